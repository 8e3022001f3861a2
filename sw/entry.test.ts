import { describe, expect, it } from 'vitest';
import { isEntry, toEntry, toResponse } from './entry';

describe('stored entries', () => {
  it('round-trip a response: body, status and the headers that matter, not the others', async () => {
    const res = new Response('hello', { status: 200, headers: { 'content-type': 'text/plain', etag: '"e"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT', 'x-internal': 'secret' } });
    const e = await toEntry(res, 'https://app.test/h.txt', 1000);
    expect(e.meta).toMatchObject({ v: 1, status: 200, storedAt: 1000, lastAccess: 1000, bodyBytes: 5, etag: '"e"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' });
    expect(e.meta.size).toBeGreaterThan(5);
    expect(isEntry(e.meta, e.body)).toBe(true);
    for (let i = 0; i < 2; i++) {
      const back = toResponse(e);
      expect(await back.text()).toBe('hello');
      expect(back.headers.get('content-type')).toBe('text/plain');
      expect(back.headers.get('x-internal')).toBeNull();
    }
  });

  it('a corrupt or partial entry is recognised as such', async () => {
    const e = await toEntry(new Response('abc'), 'https://app.test/x', 0);
    expect(isEntry(e.meta, new ArrayBuffer(2))).toBe(false);
    expect(isEntry(e.meta, undefined)).toBe(false);
    expect(isEntry(undefined, e.body)).toBe(false);
    expect(isEntry({ ...e.meta, v: 2 }, e.body)).toBe(false);
    expect(isEntry({ ...e.meta, headers: [['a']] }, e.body)).toBe(false);
    expect(isEntry('junk', e.body)).toBe(false);
  });
});
