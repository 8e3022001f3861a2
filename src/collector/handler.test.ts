import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync, deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { PagePaceError } from '../core/errors';
import { encodeBatch } from '../protocol/index';
import type { Batch } from '../core/types';
import { createCollector } from './handler';
import type { BatchMeta, CollectorHandler, CollectorOptions } from './handler';
import type { CorsOptions } from './cors';
import { MemoryDedupe, dedupeKey } from './dedupe';
import type { ClaimStore, DedupeStore } from './dedupe';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

interface SendOptions {
  method?: string;
  headers?: Record<string, string | number>;
  /** Written in one go (Content-Length is set unless `chunks` is used). */
  body?: string | Buffer;
  /** Written one by one with Transfer-Encoding: chunked, stopping once the answer arrives. */
  chunks?: Buffer[];
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: CollectorHandler): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function start(options: Partial<CollectorOptions> = {}) {
  const calls: { batch: Batch; meta: BatchMeta }[] = [];
  const errors: unknown[] = [];
  const handler = createCollector({
    onBatch: (batch, meta) => {
      calls.push({ batch, meta });
    },
    onError: (error) => errors.push(error),
    ...options,
  });
  const port = await serve(handler);
  return { port, calls, errors, handler };
}

function send(port: number, options: SendOptions = {}): Promise<Reply> {
  const { method = 'POST', body, chunks } = options;
  const headers: Record<string, string | number> = { ...options.headers };
  if (body !== undefined && chunks === undefined) headers['Content-Length'] ??= Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ host: '127.0.0.1', port, method, path: '/collect', headers, agent: false }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    // Once answered, the server may close while we are still writing: that is expected.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    if (chunks) {
      void (async () => {
        for (const chunk of chunks) {
          if (answered || req.destroyed) return;
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
          await new Promise((r) => setImmediate(r));
        }
        if (!answered) req.end();
      })();
    } else if (body !== undefined) {
      req.end(body);
    } else if (headers['Content-Length'] !== undefined) {
      req.flushHeaders(); // headers only: the server must answer without the body
    } else {
      req.end();
    }
  });
}

const batch = (overrides: Partial<Batch> = {}): Batch => ({
  v: 1,
  batchId: 'b-1',
  sessionId: 's-1',
  page: 'https://shop.example/',
  sentAt: 1_700_000_000_500,
  events: [
    { kind: 'vital', name: 'LCP', value: 1800, unit: 'ms', rating: 'good', ts: 1_700_000_000_000, id: 'v5-1', attrs: { element: 'img' } },
    { kind: 'custom', name: 'cart', value: 3, ts: 1_700_000_000_100 },
  ],
  ...overrides,
});

const json = (value: unknown): SendOptions => ({
  body: JSON.stringify(value),
  headers: { 'Content-Type': 'application/json' },
});

describe('createCollector', () => {
  it('accepts a batch with 204 and calls onBatch once with it and its meta', async () => {
    const { port, calls, handler } = await start();
    const body = JSON.stringify(batch());
    const reply = await send(port, { body, headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'test-agent' } });
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.batch).toEqual(batch());
    expect(calls[0]?.meta).toMatchObject({
      contentType: 'application/json',
      format: 'json',
      bytes: Buffer.byteLength(body),
      decodedBytes: Buffer.byteLength(body),
      ip: '127.0.0.1',
      userAgent: 'test-agent',
      duplicate: false,
    });
    expect(Math.abs((calls[0]?.meta.receivedAt ?? 0) - Date.now())).toBeLessThan(5000);
    expect(handler.stats()).toMatchObject({ accepted: 1, events: 2, bytes: Buffer.byteLength(body), duplicates: 0 });
  });

  it('answers a repeated batch id with 204 without calling onBatch again', async () => {
    const { port, calls, handler } = await start();
    expect((await send(port, json(batch()))).status).toBe(204);
    expect((await send(port, json(batch({ sentAt: 1_700_000_009_999 })))).status).toBe(204);
    expect(calls).toHaveLength(1);
    // The same batch id in another session is another batch.
    expect((await send(port, json(batch({ sessionId: 's-2' })))).status).toBe(204);
    expect(calls).toHaveLength(2);
    expect(handler.stats()).toMatchObject({ accepted: 2, duplicates: 1 });
  });

  it('calls onBatch once when a retry races a slow first delivery', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let count = 0;
    const { port } = await start({
      onBatch: async () => {
        count++;
        await gate;
      },
    });
    const first = send(port, json(batch()));
    await new Promise((r) => setTimeout(r, 50));
    const second = send(port, json(batch()));
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect((await first).status).toBe(204);
    expect((await second).status).toBe(204);
    expect(count).toBe(1);
  });

  it('delivers every request when dedupe is off, and forgets beyond a small bound', async () => {
    const off = await start({ dedupe: false });
    await send(off.port, json(batch()));
    await send(off.port, json(batch()));
    expect(off.calls).toHaveLength(2);

    const small = await start({ dedupe: 1 });
    await send(small.port, json(batch({ batchId: 'a' })));
    await send(small.port, json(batch({ batchId: 'b' })));
    await send(small.port, json(batch({ batchId: 'a' })));
    expect(small.calls.map((c) => c.batch.batchId)).toEqual(['a', 'b', 'a']);
  });

  it('answers malformed JSON with 400 and the reason', async () => {
    const { port, calls, handler } = await start();
    const reply = await send(port, { body: '{"v":1,"batchId":', headers: { 'Content-Type': 'application/json' } });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.text).toMatch(/^body is not valid JSON: /);
    expect(calls).toHaveLength(0);
    expect(handler.stats().rejected).toEqual({ 400: 1 });
  });

  it('answers a wrong shape with 400 naming the path', async () => {
    const { port } = await start();
    const bad = batch();
    (bad.events[1] as unknown as Record<string, unknown>).value = 'abc';
    const reply = await send(port, json(bad));
    expect(reply.status).toBe(400);
    expect(reply.text.trim()).toBe('events[1].value must be a finite number; received "abc"');
  });

  it('answers a newer protocol version with 400 and a clear message', async () => {
    const { port } = await start();
    const reply = await send(port, json({ ...batch(), v: 99 }));
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('v is 99, a newer protocol than this collector reads (up to 1)');
  });

  it('answers 413 from Content-Length before any body arrives', async () => {
    const { port, handler } = await start({ maxBytes: 1000 });
    const reply = await send(port, { headers: { 'Content-Type': 'application/json', 'Content-Length': 5_000_000 } });
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('body is 5000000 bytes; the limit is 1000');
    expect(handler.stats().rejected).toEqual({ 413: 1 });
  });

  it('answers 413 while streaming a chunked body with no Content-Length', async () => {
    const { port, calls } = await start({ maxBytes: 4096 });
    const chunks = Array.from({ length: 200 }, () => Buffer.alloc(1024, 0x20));
    const reply = await send(port, { chunks, headers: { 'Content-Type': 'application/json' } });
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('body exceeds the limit of 4096 bytes');
    expect(calls).toHaveLength(0);
  });

  it('accepts gzip and deflate bodies, reporting wire bytes', async () => {
    const { port, calls } = await start();
    const raw = Buffer.from(JSON.stringify(batch()));
    const gz = gzipSync(raw);
    let reply = await send(port, { body: gz, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } });
    expect(reply.status).toBe(204);
    reply = await send(port, {
      body: deflateSync(Buffer.from(JSON.stringify(batch({ batchId: 'b-2' })))),
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' },
    });
    expect(reply.status).toBe(204);
    expect(calls.map((c) => c.batch.batchId)).toEqual(['b-1', 'b-2']);
    expect(calls[0]?.meta).toMatchObject({ bytes: gz.length, decodedBytes: raw.length, contentEncoding: 'gzip' });
  });

  it('answers 413 to a gzip bomb that is small on the wire', async () => {
    const { port, calls } = await start();
    const bomb = gzipSync(Buffer.alloc(50_000_000, 0x20));
    expect(bomb.length).toBeLessThan(65_536);
    const reply = await send(port, { body: bomb, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } });
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('decompressed body exceeds the limit of 65536 bytes');
    expect(calls).toHaveLength(0);
  });

  it('answers other methods with 405 and Allow', async () => {
    const { port } = await start();
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const reply = await send(port, { method });
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe('POST, OPTIONS');
    }
  });

  it('answers a CORS preflight and puts the allowed origin on POST answers', async () => {
    const { port } = await start();
    const pre = await send(port, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers).toMatchObject({
      'access-control-allow-origin': 'https://shop.example',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'Content-Type, Content-Encoding',
      'access-control-max-age': '7200',
      vary: 'Origin',
    });
    const post = await send(port, { ...json(batch()), headers: { 'Content-Type': 'application/json', Origin: 'https://shop.example' } });
    expect(post.headers['access-control-allow-origin']).toBe('https://shop.example');
    const noOrigin = await send(port, json(batch({ batchId: 'other' })));
    expect(noOrigin.headers['access-control-allow-origin']).toBe('*');
    const error = await send(port, { body: 'x', headers: { 'Content-Type': 'application/json', Origin: 'https://a.example' } });
    expect(error.status).toBe(400);
    expect(error.headers['access-control-allow-origin']).toBe('https://a.example');
    // pagepace's client posts cross-origin without credentials: nothing asks for them by default.
    for (const reply of [pre, post, noOrigin, error]) expect(reply.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('never answers the opaque origin null with credentials, and sends credentials only when configured', async () => {
    const open = await start();
    const fromNull = await send(open.port, { ...json(batch()), headers: { 'Content-Type': 'application/json', Origin: 'null' } });
    expect(fromNull.status).toBe(204);
    expect(fromNull.headers['access-control-allow-origin']).toBe('*');
    expect(fromNull.headers['access-control-allow-credentials']).toBeUndefined();

    const withCookies = await start({ cors: { origin: ['https://shop.example', 'null'], credentials: true } });
    const pre = await send(withCookies.port, { method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' } });
    expect(pre.headers).toMatchObject({ 'access-control-allow-origin': 'https://shop.example', 'access-control-allow-credentials': 'true' });
    // Even named on the list, null gets `*` and no credentials: any page can be made to have that origin.
    const nullPre = await send(withCookies.port, { method: 'OPTIONS', headers: { Origin: 'null', 'Access-Control-Request-Method': 'POST' } });
    expect(nullPre.headers['access-control-allow-origin']).toBe('*');
    expect(nullPre.headers['access-control-allow-credentials']).toBeUndefined();

    const listed = await start({ cors: { origin: 'https://shop.example' } });
    const refused = await send(listed.port, { ...json(batch()), headers: { 'Content-Type': 'application/json', Origin: 'null' } });
    expect(refused.status).toBe(403);
  });

  it('refuses credentials for any origin, and unknown or mistyped cors options', () => {
    const onBatch = () => {};
    expect(() => createCollector({ onBatch, cors: { credentials: true } })).toThrow(/cors\.credentials must be false unless cors\.origin names/);
    expect(() => createCollector({ onBatch, cors: { credentials: 'yes' } as unknown as CorsOptions })).toThrow(PagePaceError);
    expect(() => createCollector({ onBatch, cors: { origins: ['https://a.example'] } as unknown as CorsOptions })).toThrow(/cors\.origins/);
    expect(() => createCollector({ onBatch, cors: { maxAge: -1 } })).toThrow(/cors\.maxAge/);
  });

  it('sends no CORS headers when cors is off, and 403 for an origin not on the list', async () => {
    const off = await start({ cors: false });
    const reply = await send(off.port, { ...json(batch()), headers: { 'Content-Type': 'application/json', Origin: 'https://x.example' } });
    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();

    const listed = await start({ cors: { origin: ['https://shop.example'], maxAge: 60 } });
    const pre = await send(listed.port, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const post = await send(listed.port, { ...json(batch()), headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' } });
    expect(post.status).toBe(403);
    expect(listed.calls).toHaveLength(0);
    const ok = await send(listed.port, { method: 'OPTIONS', headers: { Origin: 'https://shop.example' } });
    expect(ok.headers['access-control-max-age']).toBe('60');
  });

  it('answers 415 for an unknown content type or encoding', async () => {
    const { port, calls } = await start();
    const body = JSON.stringify(batch());
    const xml = await send(port, { body, headers: { 'Content-Type': 'application/xml' } });
    expect(xml.status).toBe(415);
    expect(xml.text).toContain('application/xml is not supported');
    const none = await send(port, { body });
    expect(none.status).toBe(415);
    const br = await send(port, { body, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'br' } });
    expect(br.status).toBe(415);
    expect(calls).toHaveLength(0);
  });

  it('accepts the binary format', async () => {
    const { port, calls } = await start();
    const body = Buffer.from(await encodeBatch(batch(), { deflate: true }));
    const reply = await send(port, { body, headers: { 'Content-Type': 'application/vnd.pagepace+binary' } });
    expect(reply.status).toBe(204);
    expect(calls[0]?.batch).toEqual(batch());
    expect(calls[0]?.meta).toMatchObject({ format: 'binary', contentType: 'application/vnd.pagepace+binary', bytes: body.length });
  });

  it('accepts JSON sent as text/plain (sendBeacon with a string)', async () => {
    const { port, calls } = await start();
    const reply = await send(port, { body: JSON.stringify(batch()), headers: { 'Content-Type': 'text/plain;charset=UTF-8' } });
    expect(reply.status).toBe(204);
    expect(calls[0]?.meta.contentType).toBe('text/plain');
  });

  it('answers 500 when onBatch throws or rejects, and lets the retry through', async () => {
    let attempts = 0;
    const { port, errors, handler } = await start({
      onBatch: async () => {
        attempts++;
        if (attempts === 1) throw new Error('database down');
        if (attempts === 2) return Promise.reject(new Error('still down'));
      },
    });
    const first = await send(port, json(batch()));
    expect(first.status).toBe(500);
    expect(first.text).not.toContain('database');
    expect((await send(port, json(batch()))).status).toBe(500);
    expect((await send(port, json(batch()))).status).toBe(204);
    expect((await send(port, json(batch()))).status).toBe(204);
    expect(attempts).toBe(3);
    expect(errors.map((e) => (e as Error).message)).toEqual(['database down', 'still down']);
    expect(handler.stats()).toMatchObject({ accepted: 1, failed: 2, duplicates: 1, rejected: { 500: 2 } });
  });

  it('survives a throwing onError', async () => {
    const { port } = await start({
      onBatch: () => {
        throw new Error('boom');
      },
      onError: () => {
        throw new Error('logger boom');
      },
    });
    expect((await send(port, json(batch()))).status).toBe(500);
  });

  it('answers 408 when the body is too slow', async () => {
    const { port } = await start({ timeoutMs: 100 });
    const reply = await send(port, { headers: { 'Content-Type': 'application/json', 'Content-Length': 100 } });
    expect(reply.status).toBe(408);
  });

  it('survives a client that aborts mid-body', async () => {
    const { port, calls, handler } = await start();
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/collect',
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': 1000 },
      });
      req.on('error', () => resolve());
      req.write('{"v":1,"batchId":"b-1",');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(handler.stats().aborted).toBe(1);
    expect((await send(port, json(batch()))).status).toBe(204);
    expect(calls).toHaveLength(1);
  });

  it('keeps serving after every kind of bad request', async () => {
    const { port, calls, handler } = await start({ maxBytes: 2048 });
    const replies = await Promise.all([
      send(port, { body: 'nope', headers: { 'Content-Type': 'application/json' } }),
      send(port, json({ ...batch(), events: 'x' })),
      send(port, { headers: { 'Content-Type': 'application/json', 'Content-Length': 10_000 } }),
      send(port, { chunks: Array.from({ length: 20 }, () => Buffer.alloc(512)), headers: { 'Content-Type': 'application/json' } }),
      send(port, { body: gzipSync(Buffer.alloc(1_000_000)), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } }),
      send(port, { body: Buffer.from([0x1f, 0x8b, 0, 1, 2]), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } }),
      send(port, { method: 'PATCH' }),
      send(port, { body: '{}', headers: { 'Content-Type': 'image/png' } }),
      send(port, { body: Buffer.from([0xff, 0xfe, 0x00]), headers: { 'Content-Type': 'text/plain' } }),
      send(port, { body: '[' .repeat(2000), headers: { 'Content-Type': 'application/json' } }),
    ]);
    expect(replies.map((r) => r.status)).toEqual([400, 400, 413, 413, 413, 400, 405, 415, 400, 400]);
    expect((await send(port, json(batch()))).status).toBe(204);
    expect(calls).toHaveLength(1);
    expect(handler.stats().rejected).toEqual({ 400: 5, 405: 1, 413: 3, 415: 1 });
  });

  it('uses extra decoders given by media type', async () => {
    const { port, calls } = await start({
      decoders: { 'application/x-lines': (bytes) => JSON.parse(new TextDecoder().decode(bytes).split('\n')[0] ?? '') },
    });
    const reply = await send(port, { body: `${JSON.stringify(batch())}\nignored`, headers: { 'Content-Type': 'application/x-lines' } });
    expect(reply.status).toBe(204);
    expect(calls[0]?.meta.format).toBe('application/x-lines');
  });

  it('throws PagePaceError for bad options', () => {
    const onBatch = () => {};
    expect(() => createCollector({} as CollectorOptions)).toThrow(PagePaceError);
    expect(() => createCollector({ onBatch, maxBytes: 0 })).toThrow(/maxBytes must be an integer from 1/);
    expect(() => createCollector({ onBatch, dedupe: -1 })).toThrow(/dedupe/);
    expect(() => createCollector({ onBatch, maxbytes: 5 } as unknown as CollectorOptions)).toThrow(/maxbytes/);
  });
});

describe('createCollector with a claim store', () => {
  /** A MemoryDedupe whose calls can be made to fail, counted by method. */
  function flakyStore() {
    const inner = new MemoryDedupe();
    const calls: string[] = [];
    const broken = { claim: false, confirm: false, release: false };
    const store: ClaimStore = {
      claim: async (key) => {
        calls.push('claim');
        if (broken.claim) throw new Error('store down');
        return inner.claim(key);
      },
      confirm: async (key) => {
        calls.push('confirm');
        if (broken.confirm) throw new Error('store down');
        inner.confirm(key);
      },
      release: async (key) => {
        calls.push('release');
        if (broken.release) throw new Error('store down');
        inner.release(key);
      },
    };
    return { store, inner, calls, broken };
  }

  it('claims, delivers, then confirms, and answers 204 only after onBatch resolved', async () => {
    const { store, calls } = flakyStore();
    const order: string[] = [];
    let finish!: () => void;
    const { port } = await start({
      dedupe: store,
      onBatch: async () => {
        order.push(`onBatch after ${calls.join(',')}`);
        await new Promise<void>((r) => (finish = r));
      },
    });
    const reply = send(port, json(batch()));
    let answered = false;
    void reply.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    finish();
    expect((await reply).status).toBe(204);
    expect(order).toEqual(['onBatch after claim']);
    expect(calls).toEqual(['claim', 'confirm']);
  });

  it('answers 503 without delivering when the store fails, and delivers once it is back', async () => {
    const { store, broken } = flakyStore();
    const { port, calls, handler, errors } = await start({ dedupe: store });
    broken.claim = true;
    const down = await send(port, json(batch()));
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('2');
    expect(calls).toHaveLength(0);
    expect(errors.map((e) => (e as Error).message)).toEqual(['store down']);
    broken.claim = false;
    expect((await send(port, json(batch()))).status).toBe(204);
    expect((await send(port, json(batch()))).status).toBe(204);
    expect(calls).toHaveLength(1);
    expect(handler.stats()).toMatchObject({ accepted: 1, duplicates: 1, storeUnavailable: 1, rejected: { 503: 1 } });
  });

  it('answers 503 when another instance holds the claim', async () => {
    const shared = new MemoryDedupe();
    shared.claim(dedupeKey(batch())); // "the other instance", mid-delivery
    const { port, calls, handler } = await start({ dedupe: shared });
    const busy = await send(port, json(batch()));
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    shared.confirm(dedupeKey(batch()));
    expect((await send(port, json(batch()))).status).toBe(204);
    expect(calls).toHaveLength(0);
    expect(handler.stats()).toMatchObject({ busy: 1, duplicates: 1 });
  });

  it('releases the claim when onBatch fails, so the retry is delivered', async () => {
    const { store, calls: storeCalls } = flakyStore();
    let attempts = 0;
    const { port } = await start({
      dedupe: store,
      onBatch: () => {
        if (++attempts === 1) throw new Error('sink down');
      },
    });
    expect((await send(port, json(batch()))).status).toBe(500);
    expect((await send(port, json(batch()))).status).toBe(204);
    expect(attempts).toBe(2);
    expect(storeCalls).toEqual(['claim', 'release', 'claim', 'confirm']);
  });

  it('still answers 204 when only the confirmation fails: onBatch has the batch', async () => {
    const { store, broken } = flakyStore();
    broken.confirm = true;
    const { port, calls, errors } = await start({ dedupe: store });
    expect((await send(port, json(batch()))).status).toBe(204);
    expect(calls).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it('answers 503 when a store returns something that is not a claim outcome', async () => {
    const { port, calls, errors } = await start({ dedupe: { claim: () => 'yes' as never, confirm: () => {}, release: () => {} } });
    expect((await send(port, json(batch()))).status).toBe(503);
    expect(calls).toHaveLength(0);
    expect(String(errors[0])).toMatch(/claim\(\) must return 'claimed', 'delivered' or 'in-flight'; received "yes"/);
  });

  it('delivers concurrent duplicates to two collectors sharing a store exactly once', async () => {
    const shared = new MemoryDedupe();
    let delivered = 0;
    const onBatch = async () => {
      delivered++;
      await new Promise((r) => setTimeout(r, 30));
    };
    const a = await start({ dedupe: shared, onBatch });
    const b = await start({ dedupe: shared, onBatch });
    const replies = await Promise.all([a.port, b.port, a.port, b.port].map((port) => send(port, json(batch()))));
    expect(delivered).toBe(1);
    // The one that delivered and its in-process twin: 204. The other instance's: 503, retried below.
    expect(replies.map((r) => r.status).sort()).toEqual([204, 204, 503, 503]);
    for (const port of [a.port, b.port]) expect((await send(port, json(batch()))).status).toBe(204);
    expect(delivered).toBe(1);
  });

  it('keeps accepting the older has/add store, and answers 503 (not a double delivery) when it throws', async () => {
    const seen = new Set<string>();
    let down = false;
    const legacy: DedupeStore = {
      has: (k) => {
        if (down) throw new Error('down');
        return seen.has(k);
      },
      add: (k) => void seen.add(k),
    };
    const { port, calls } = await start({ dedupe: legacy });
    expect((await send(port, json(batch()))).status).toBe(204);
    expect((await send(port, json(batch()))).status).toBe(204);
    down = true;
    expect((await send(port, json(batch()))).status).toBe(503);
    expect(calls).toHaveLength(1);
  });

  it('close() finishes in-flight requests and turns new ones away with 503 and Connection: close', async () => {
    let finish!: () => void;
    const calls: string[] = [];
    const { port, handler } = await start({
      onBatch: (b) => {
        calls.push(b.batchId);
        return new Promise<void>((r) => (finish = r));
      },
    });
    const inFlight = send(port, json(batch()));
    await new Promise((r) => setTimeout(r, 50));
    expect(handler.stats().inFlight).toBe(1);
    let closed = false;
    const closing = handler.close().then(() => (closed = true));
    const late = await send(port, json(batch({ batchId: 'late' })));
    expect(late.status).toBe(503);
    expect(late.headers.connection).toBe('close');
    expect(closed).toBe(false);
    finish();
    expect((await inFlight).status).toBe(204);
    await closing;
    expect(calls).toEqual(['b-1']);
    expect(handler.stats().inFlight).toBe(0);
    await handler.close(); // idempotent
  });
});
