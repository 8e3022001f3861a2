// The demo server against hostile clients (issue 15, items 8, 11, 12): every answer a 4xx or a
// success, never a 500, and nothing a client sends grows without bound.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OTLP_BYTES, startDemoServer } from './server.js';
import { MAX_UNREAD } from './store.js';

type Demo = Awaited<ReturnType<typeof startDemoServer>>;
let demo: Demo;
beforeAll(async () => {
  demo = await startDemoServer({ quiet: true });
});
afterAll(() => demo.close());

const post = (path: string, body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
  fetch(`${demo.url}${path}`, { method: 'POST', headers, body });
const batch = (events: object[], page = 'http://127.0.0.1/p', sessionId = 'hostile-s') => ({ v: 1, batchId: `b-${Math.random()}`, sessionId, page, sentAt: Date.now(), events });

/** A raw request, so that paths reach the server exactly as written. */
function raw(request: string): Promise<string> {
  const { port } = new URL(demo.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('demo server, hostile input', () => {
  it('takes events named like Object.prototype members and a page that is not a URL; the summary still works', async () => {
    const names = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];
    const events = names.flatMap((name) => [
      { kind: 'custom', name, value: 1, ts: Date.now() },
      { kind: 'vital', name, value: 2, unit: 'ms', ts: Date.now(), id: `v5-${name}`, attrs: { [name]: 'x', route: name } },
      { kind: 'pagepace', name: 'stats', value: 1, ts: Date.now(), attrs: { [name]: 3 } },
    ]);
    const res = await post('/collect', JSON.stringify(batch(events, 'http://[')));
    expect(res.status).toBe(204);
    const again = await post('/collect', JSON.stringify(batch([{ kind: 'vital', name: 'LCP', value: 1000, unit: 'ms', ts: Date.now(), id: 'v5-l' }], 'http://[')));
    expect(again.status).toBe(204);
    const summary = await fetch(`${demo.url}/api/summary`);
    expect(summary.status).toBe(200);
    const s = JSON.parse(await summary.text());
    for (const name of names) expect(Object.hasOwn(s.metrics, name), name).toBe(true);
    expect(s.metrics.LCP.count).toBe(1);
    expect(s.recent[0].pages).toContain('http://[');
  });

  it('answers a malformed percent-encoded path or request target 400, not 500', async () => {
    for (const path of ['/%E0%A4%A', '/dist/%', '/%']) {
      expect(await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), path).toMatch(/^HTTP\/1\.1 400/);
    }
    expect(await raw('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 (400|404)/);
  });

  it('bounds /v1/metrics and /v1/logs bodies (413) and answers bad JSON 400', async () => {
    const big = 'x'.repeat(MAX_OTLP_BYTES + 1);
    expect((await post('/v1/metrics', `{"a":"${big}"}`)).status).toBe(413);
    // Without a Content-Length to refuse it early: the body is read and thrown away as it arrives.
    const chunked = new ReadableStream({ start(c) { for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode(big.slice(0, MAX_OTLP_BYTES / 2))); c.close(); } });
    const res = await fetch(`${demo.url}/v1/metrics`, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect((await post('/v1/metrics', '{not json')).status).toBe(400);
    expect((await post('/v1/metrics', '{"resourceMetrics":[]}')).status).toBe(200);
    expect((await post('/v1/logs', `{"a":"${big}"}`)).status).toBe(413);
    expect((await post('/v1/logs', '{"resourceLogs":[]}')).status).toBe(200);
    expect((await post('/v1/metrics', '{"resourceLogs":[]}')).status).toBe(400); // each signal at its own path
    expect((await post('/v1/logs', '{"resourceMetrics":[]}')).status).toBe(400);
    expect(demo.otlp()).toEqual([{ resourceMetrics: [] }, { resourceLogs: [] }]);
  });

  it('takes POST /api/fault only from its own pages or local scripts, as JSON, checked', async () => {
    const fault = JSON.stringify({ status: 503, times: 1 });
    const json = { 'Content-Type': 'application/json' };
    expect((await post('/api/fault', fault, { ...json, Origin: 'http://evil.test' })).status).toBe(403);
    expect((await post('/api/fault', fault, { ...json, Origin: 'null' })).status).toBe(403);
    expect((await post('/api/fault', fault, { ...json, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    // A cross-origin form post needs no preflight: text/plain is refused, whatever its origin.
    expect((await post('/api/fault', fault, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await fetch(`${demo.url}/api/batches`, { method: 'DELETE', headers: { Origin: 'http://evil.test' } })).status).toBe(403);
    expect(demo.fault().times).toBe(0);
    expect((await post('/api/fault', JSON.stringify({ status: 'x', times: 1 }))).status).toBe(400);
    expect((await post('/api/fault', JSON.stringify({ status: 503, times: -1 }))).status).toBe(400);
    expect((await post('/api/fault', fault, { ...json, Origin: demo.url, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(204);
    expect(demo.fault()).toMatchObject({ status: 503, times: 1 });
    demo.setFault({ status: 0, times: 0 });
  });

  it('disconnects a live-feed subscriber that never reads, holding no more than its bound', async () => {
    const { port } = new URL(demo.url);
    const before = demo.store.stats().slow;
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('GET /api/live HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.pause(); // and never reads
    await expect.poll(() => demo.store.stats().clients).toBe(1);
    socket.on('error', () => {});
    // 64 MB of batches: far more than the socket buffers and MAX_UNREAD.
    const big = 'y'.repeat(256 * 1024);
    for (let i = 0; i < 256 && demo.store.stats().clients > 0; i++) {
      void demo.store.add(batch([{ kind: 'custom', name: 'big', value: 1, ts: 1, attrs: { big } }]) as never, { contentType: 'application/json', bytes: 1 });
      await new Promise((r) => setImmediate(r));
    }
    expect(demo.store.stats().clients).toBe(0);
    expect(demo.store.stats().slow).toBe(before + 1);
    expect(MAX_UNREAD).toBeLessThanOrEqual(1 << 20);
    socket.destroy();
  });
});
