import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Entry } from './entry';
import { revalidate, validators } from './network';
import { createCounters } from './stats';

const entry = (etag?: string, lastModified?: string): Entry => ({
  meta: { v: 1, url: 'https://app.test/a.js', status: 200, statusText: 'OK', headers: [], storedAt: 0, lastAccess: 0, size: 1, bodyBytes: 1, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) },
  body: new ArrayBuffer(1),
});

describe('L3 revalidation', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the validators it has', () => {
    expect(validators(entry('"v1"', 'Tue, 01 Jan 2030 00:00:00 GMT'))).toEqual({ 'if-none-match': '"v1"', 'if-modified-since': 'Tue, 01 Jan 2030 00:00:00 GMT' });
    expect(validators(entry())).toBeUndefined();
  });

  it('a 304 keeps the stored body; a 200 replaces it; both are counted', async () => {
    const counters = createCounters();
    const fetchMock = vi.fn(async (_url: string, init?: RequestInit) => new Response(null, { status: (init?.headers as Record<string, string>)['if-none-match'] === '"v1"' ? 304 : 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const request = new Request('https://app.test/a.js');
    expect(await revalidate(request, entry('"v1"'), true, counters)).toEqual({ kind: 'not-modified' });
    expect(fetchMock.mock.calls[0]![1]).toMatchObject({ headers: { 'if-none-match': '"v1"' }, cache: 'no-store' });
    const r = await revalidate(request, entry('"v0"'), true, counters);
    expect(r.kind === 'response' && r.response.status).toBe(200);
    expect(counters.snapshot()).toMatchObject({ revalidations: 2, notModified: 1, tiers: { network: { hits: 2 } } });
  });

  it('without validators, or cross-origin, it is a plain fetch of the request', async () => {
    const counters = createCounters();
    const fetchMock = vi.fn(async () => new Response('x'));
    vi.stubGlobal('fetch', fetchMock);
    const request = new Request('https://cdn.test/a.js');
    await revalidate(request, entry('"v1"'), false, counters);
    await revalidate(request, entry(), true, counters);
    expect(fetchMock.mock.calls.map((c) => (c as unknown[]).length === 1 || (c as unknown[])[1] === undefined)).toEqual([true, true]);
    expect(counters.snapshot().revalidations).toBe(0);
  });

  it('a network failure rejects and counts a network miss', async () => {
    const counters = createCounters();
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    await expect(revalidate(new Request('https://app.test/a.js'), entry('"v1"'), true, counters)).rejects.toThrow(TypeError);
    expect(counters.snapshot().tiers.network.misses).toBe(1);
  });
});
