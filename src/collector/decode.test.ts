import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../protocol/index';
import { decodeBatch, DEFAULT_DECODERS, parseMediaType } from './decode';
import { CollectorError } from './errors';

const batch = { v: 1, batchId: 'b', sessionId: 's', page: '/p', sentAt: 5, events: [{ kind: 'mark', name: 'm', value: 1, ts: 2 }] };
const bytes = (s: string) => new TextEncoder().encode(s);

async function failure(p: Promise<unknown>): Promise<CollectorError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CollectorError);
    return e as CollectorError;
  }
  throw new Error('expected a rejection');
}

describe('parseMediaType', () => {
  it('lower-cases the type and reads quoted parameters', () => {
    expect(parseMediaType('Application/JSON; Charset="UTF-8"')).toEqual({ type: 'application/json', params: { charset: 'UTF-8' } });
    expect(parseMediaType('nonsense')).toBeUndefined();
    expect(parseMediaType(undefined)).toBeUndefined();
  });
});

describe('decodeBatch', () => {
  it('decodes JSON with or without a charset, and text/plain as JSON', async () => {
    const body = bytes(JSON.stringify(batch));
    await expect(decodeBatch(body, 'application/json')).resolves.toEqual(batch);
    await expect(decodeBatch(body, 'application/json; charset=utf-8')).resolves.toEqual(batch);
    await expect(decodeBatch(body, 'text/plain;charset=UTF-8')).resolves.toEqual(batch);
  });

  it('strips a UTF-8 byte order mark', async () => {
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(JSON.stringify(batch))]);
    await expect(decodeBatch(body, 'application/json')).resolves.toEqual(batch);
  });

  it('rejects malformed JSON, invalid UTF-8 and empty bodies with 400', async () => {
    const bad = await failure(decodeBatch(bytes('{"v":1,'), 'application/json'));
    expect(bad.status).toBe(400);
    expect(bad.reason).toMatch(/^body is not valid JSON: /);
    expect((await failure(decodeBatch(new Uint8Array([0x22, 0xff, 0x22]), 'application/json'))).reason).toBe('body is not valid UTF-8');
    expect((await failure(decodeBatch(new Uint8Array(), 'application/json'))).reason).toBe('body is empty');
  });

  it('validates the decoded value', async () => {
    const e = await failure(decodeBatch(bytes(JSON.stringify({ ...batch, sentAt: 'now' })), 'application/json'));
    expect(e.reason).toBe('sentAt must be a finite number; received "now"');
    expect(e.path).toBe('sentAt');
  });

  it('answers 415 for unknown or missing types and non-UTF-8 charsets', async () => {
    const body = bytes(JSON.stringify(batch));
    const unknown = await failure(decodeBatch(body, 'application/xml'));
    expect(unknown.status).toBe(415);
    expect(unknown.reason).toContain('application/json');
    expect((await failure(decodeBatch(body, ''))).reason).toBe('Content-Type is missing');
    expect((await failure(decodeBatch(body, 'application/json; charset=latin1'))).status).toBe(415);
  });

  it('uses a custom registry, turning decoder errors into 400', async () => {
    const decoders = new Map(DEFAULT_DECODERS);
    decoders.set('application/x-test', { format: 'test', decode: () => batch });
    decoders.set('application/x-broken', {
      format: 'broken',
      decode: async () => {
        throw Object.assign(new Error('bad header at byte 0'), { name: 'ProtocolError' });
      },
    });
    await expect(decodeBatch(new Uint8Array([1]), 'application/x-test', { decoders })).resolves.toEqual(batch);
    const e = await failure(decodeBatch(new Uint8Array([1]), 'application/x-broken', { decoders }));
    expect([e.status, e.reason]).toEqual([400, 'bad header at byte 0']);
  });

  it('decodes the binary format, compressed or not', async () => {
    for (const deflate of [false, true]) {
      const body = await encodeBatch(batch, { deflate });
      await expect(decodeBatch(body, 'application/vnd.pagepace+binary')).resolves.toEqual(batch);
    }
  });

  it('answers 400 with the ProtocolError message for a malformed binary body', async () => {
    const e = await failure(decodeBatch(new Uint8Array([1, 2, 3, 4, 5]), 'application/vnd.pagepace+binary'));
    expect(e.status).toBe(400);
    expect(e.reason).toMatch(/^pagepace protocol: at byte \d+: /);
  });

  it('answers 413 when a deflated binary batch inflates beyond maxBytes', async () => {
    const body = await encodeBatch({ ...batch, page: '/' + 'a'.repeat(200_000) }, { deflate: true });
    expect(body.length).toBeLessThan(2000);
    const e = await failure(decodeBatch(body, 'application/vnd.pagepace+binary', { maxBytes: 65_536 }));
    expect([e.status, e.reason]).toEqual([413, 'decoded body exceeds the limit of 65536 bytes']);
  });
});

describe('decodeBatch: amplification and the inflater', () => {
  it('answers 413 for a binary batch that decodes past maxChars (8 × maxBytes by default)', async () => {
    const { batchBomb } = await import('../protocol/amplification.fixture');
    const e = await failure(decodeBatch(batchBomb(), 'application/vnd.pagepace+binary'));
    expect(e.status).toBe(413);
    expect(e.reason).toMatch(/decoded batch exceeds the limit of 524288 characters/);
    const small = await failure(decodeBatch(bytes(JSON.stringify(batch)), 'application/json', { limits: { maxChars: 5 } }));
    expect(small.status).toBe(413);
  });

  it('inflates with zlib: refuses bytes after the deflate data, corrupt data, and output past maxBytes', async () => {
    const body = await encodeBatch({ ...batch, page: 'x'.repeat(500) }, { deflate: true });
    await expect(decodeBatch(body, 'application/vnd.pagepace+binary')).resolves.toMatchObject({ page: 'x'.repeat(500) });
    const junk = new Uint8Array([...body, 1, 2]);
    expect((await failure(decodeBatch(junk, 'application/vnd.pagepace+binary'))).reason).toMatch(/2 bytes after the end of the deflate data/);
    const cut = body.subarray(0, body.length - 3);
    expect((await failure(decodeBatch(cut, 'application/vnd.pagepace+binary'))).reason).toMatch(/corrupt deflate data/);
    expect((await failure(decodeBatch(body, 'application/vnd.pagepace+binary', { maxBytes: 100 }))).status).toBe(413);
  });
});

describe('decodeBatch: built-in decoders are validated in place', () => {
  it('keeps "__proto__" as data and cleans text in attributes of JSON and binary batches', async () => {
    const text = '{"v":1,"batchId":"b","sessionId":"s","page":"/p","sentAt":5,"events":[{"kind":"mark","name":"m","value":1,"ts":2,"attrs":{"__proto__":1,"x":"a\\u0000b"}}]}';
    const fromJson = await decodeBatch(bytes(text), 'application/json');
    const attrs = fromJson.events[0]!.attrs!;
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(attrs, '__proto__')?.value).toBe(1);
    expect(attrs.x).toBe('a\ufffdb');
    const fromBinary = await decodeBatch(await encodeBatch(fromJson, { deflate: false }), 'application/vnd.pagepace+binary');
    expect(Object.getOwnPropertyDescriptor(fromBinary.events[0]!.attrs!, '__proto__')?.value).toBe(1);
    expect(Object.getPrototypeOf(fromBinary.events[0]!.attrs!)).toBe(Object.prototype);
  });
});

describe('decodeBatch: binary strings are checked once, as they are decoded', () => {
  const BIN = 'application/vnd.pagepace+binary';
  const long = 'x'.repeat(40);

  it('still cleans U+0000 in text, short (ASCII path) or long (TextDecoder path), deflated or not', async () => {
    for (const deflate of [false, true]) {
      const dirty = { ...batch, page: `/p\u0000q${long}`, events: [{ kind: 'mark', name: 'm\u0000', value: 1, ts: 2, unit: 'ms', attrs: { el: `a\u0000${long}` } }] };
      const out = await decodeBatch(await encodeBatch(dirty, { deflate }), BIN);
      expect(out.page).toBe(`/p\ufffdq${long}`);
      expect(out.events[0]!.name).toBe('m\ufffd');
      expect(out.events[0]!.attrs!.el).toBe(`a\ufffd${long}`);
    }
  });

  it('still refuses U+0000 in an id and in an attribute key', async () => {
    const badId = { ...batch, sessionId: 's\u0000' };
    expect((await failure(decodeBatch(await encodeBatch(badId, { deflate: false }), BIN))).reason).toMatch(/sessionId/);
    const badKey = { ...batch, events: [{ ...batch.events[0]!, attrs: { [`k\u0000${long}`]: 1 } }] };
    expect((await failure(decodeBatch(await encodeBatch(badKey, { deflate: false }), BIN))).reason).toMatch(/U\+0000/);
  });

  it('checks every string again when a custom decoder wraps the built-in one', async () => {
    const builtIn = DEFAULT_DECODERS.get(BIN)!;
    const decoders = new Map(DEFAULT_DECODERS);
    decoders.set(BIN, {
      ...builtIn,
      decode: (b, c) => {
        const out = builtIn.decode(b, c) as { page: string };
        out.page = 'changed\u0000';
        return out;
      },
    });
    const out = await decodeBatch(await encodeBatch(batch, { deflate: false }), BIN, { decoders });
    expect(out.page).toBe('changed\ufffd');
  });
});
