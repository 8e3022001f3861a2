import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Batch } from '../core/types';
import { createCustomTransport, createHttpTransport, SEND_TIMEOUT_MS } from './transport';
import type { Encoder } from '../worker/encoder';

const batch: Batch = { v: 1, batchId: 'b1', sessionId: 's1', page: 'https://example.test/', sentAt: 0, events: [] };

describe('a send that never settles does not hold its slot for good', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('a custom transport that never answers becomes a retry after SEND_TIMEOUT_MS', async () => {
    vi.useFakeTimers();
    const t = createCustomTransport(() => new Promise(() => {}));
    const out = t.send(batch);
    await vi.advanceTimersByTimeAsync(SEND_TIMEOUT_MS);
    await expect(out).resolves.toEqual({ kind: 'retry', reason: `no answer in ${SEND_TIMEOUT_MS} ms` });
  });

  it('a custom transport that answers in time leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(createCustomTransport(async () => true).send(batch)).resolves.toEqual({ kind: 'ok' });
    await expect(createCustomTransport(async () => false).send(batch)).resolves.toMatchObject({ kind: 'retry' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the HTTP transport gives every fetch a timeout signal; an aborted fetch is a retry', async () => {
    let signal: AbortSignal | undefined;
    vi.stubGlobal('location', new URL('https://example.test/page'));
    vi.stubGlobal('origin', 'https://example.test');
    vi.stubGlobal('fetch', (_url: string, init: RequestInit) => {
      signal = init.signal ?? undefined;
      return Promise.reject(new DOMException('The operation timed out.', 'TimeoutError'));
    });
    const encoder = { encode: async () => ({ body: '{}', type: 'application/json', format: 'json' }) } as unknown as Encoder;
    const out = await createHttpTransport('/collect', encoder, { bytes: {}, beacons: 0, fetches: 0, deferred: 0, deferredRefused: 0 }).send(batch);
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(out).toMatchObject({ kind: 'retry' });
  });
});

describe('OTLP: one URL per signal', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('posts each batch to the URL its encoding names, and keeps one deferred request per URL (the open batch\'s metrics and logs)', async () => {
    vi.stubGlobal('location', new URL('https://example.test/page'));
    vi.stubGlobal('origin', 'https://example.test');
    vi.stubGlobal('isSecureContext', true);
    const posted: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => (posted.push(url), new Response('{}')));
    const registered: Array<{ url: string; signal: AbortSignal }> = [];
    vi.stubGlobal('fetchLater', (url: string, init: RequestInit) => (registered.push({ url, signal: init.signal! }), { activated: false }));
    const urlOf = (b: Batch) => `https://otel.test/v1/${b.batchId.endsWith('-logs') ? 'logs' : 'metrics'}`;
    const enc = (b: Batch) => ({ body: '{}', type: 'application/json', format: 'otlp' as const, url: urlOf(b) });
    const encoder = { encode: async (b: Batch) => enc(b), encodeSync: enc } as unknown as Encoder;
    const t = createHttpTransport('https://otel.test/v1/metrics', encoder, { bytes: {}, beacons: 0, fetches: 0, deferred: 0, deferredRefused: 0 });
    const logs = { ...batch, batchId: 'b1-logs' };
    await t.send(batch);
    await t.send(logs);
    expect(posted).toEqual(['https://otel.test/v1/metrics', 'https://otel.test/v1/logs']);

    expect(t.defer!(batch) && t.defer!(logs)).toBe(true);
    expect(registered.map((r) => [r.url, r.signal.aborted])).toEqual([['https://otel.test/v1/metrics', false], ['https://otel.test/v1/logs', false]]);
    t.defer!(logs); // the open batch grew: its logs part is registered again, in place of the last
    expect(registered.map((r) => r.signal.aborted)).toEqual([false, true, false]);
    expect(t.undefer!()).toBe(false);
    expect(registered.map((r) => r.signal.aborted)).toEqual([true, true, true]); // both withdrawn
  });
});

describe('at page hide, the bytes go to the browser as they are', () => {
  afterEach(() => vi.unstubAllGlobals());
  const bytes = new Uint8Array([0x50, 0x50, 1, 0, 9]);
  const encoder = { encodeSync: () => ({ body: bytes, type: 'application/vnd.pagepace+binary', format: 'binary' }) } as unknown as Encoder;
  const stats = () => ({ bytes: {}, beacons: 0, fetches: 0, deferred: 0, deferredRefused: 0 });

  it('fetchLater gets the encoded bytes themselves (no Blob made for it), typed by a Content-Type header', () => {
    vi.stubGlobal('location', new URL('https://example.test/page'));
    vi.stubGlobal('origin', 'https://example.test');
    vi.stubGlobal('isSecureContext', true);
    const calls: RequestInit[] = [];
    vi.stubGlobal('fetchLater', (_url: string, init: RequestInit) => (calls.push(init), { activated: false }));
    const t = createHttpTransport('/collect', encoder, stats());
    expect(t.sendNow(batch)).toBe(true);
    expect(t.mechanism).toBe('fetchLater');
    expect(calls[0]!.body).toBe(bytes);
    expect(calls[0]!.headers).toEqual({ 'Content-Type': 'application/vnd.pagepace+binary' });
  });

  it('without fetchLater, sendBeacon gets a Blob of the bytes, typed (a beacon has no headers of its own)', async () => {
    vi.stubGlobal('location', new URL('https://example.test/page'));
    vi.stubGlobal('origin', 'https://example.test');
    let sent: Blob | undefined;
    vi.stubGlobal('navigator', { sendBeacon: (_url: string, body: Blob) => ((sent = body), true) });
    const t = createHttpTransport('/collect', encoder, stats());
    expect(t.sendNow(batch)).toBe(true);
    expect(t.mechanism).toBe('beacon');
    expect(sent).toBeInstanceOf(Blob);
    expect(sent!.type).toBe('application/vnd.pagepace+binary');
    expect(new Uint8Array(await sent!.arrayBuffer())).toEqual(bytes);
  });

  it('in a sandboxed iframe (an opaque origin, though location names the URL\'s) no beacon: a keepalive fetch without credentials', () => {
    vi.stubGlobal('location', new URL('https://example.test/page'));
    vi.stubGlobal('origin', 'null');
    const beacon = vi.fn(() => true);
    vi.stubGlobal('navigator', { sendBeacon: beacon });
    const calls: RequestInit[] = [];
    vi.stubGlobal('fetch', (_url: string, init: RequestInit) => (calls.push(init), Promise.resolve(new Response(null, { status: 204 }))));
    const t = createHttpTransport('/collect', encoder, stats());
    expect(t.sendNow(batch)).toBe(true);
    expect(t.mechanism).toBe('fetch');
    expect(beacon).not.toHaveBeenCalled();
    expect(calls[0]).toMatchObject({ keepalive: true, credentials: 'omit' });
  });
});
