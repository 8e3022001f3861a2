/**
 * Issue 15's proof for the collector: the two amplification bodies, posted to
 * a default collector in its own process whose heap is capped at 256 MB (so
 * "under 256 MB" is enforced by V8, not sampled), are each answered 4xx
 * within a second, the process lives, and the next valid batch is accepted.
 * Before the decoder counted as it built, the first body took such a server
 * to "JavaScript heap out of memory".
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchBomb, stringTableBomb } from '../protocol/amplification.fixture';
import { BINARY_CONTENT_TYPE, encodeBatchSync } from '../protocol/index';

const root = join(__dirname, '..', '..');
const HEAP_MB = 256;

interface Heap {
  used: number;
  limit: number;
  rss: number;
}

let child: ChildProcess;
let port = 0;
const delivered: string[] = [];
const heapWaiters: ((heap: Heap) => void)[] = [];
let exit: { code: number | null; signal: string | null } | undefined;

function post(body: Uint8Array): Promise<{ status: number; text: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/collect', headers: { 'Content-Type': BINARY_CONTENT_TYPE, 'Content-Length': body.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ms: performance.now() - t0 }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const heap = (): Promise<Heap> => new Promise((resolve) => (heapWaiters.push(resolve), child.send('heap')));

const valid = (batchId: string): Uint8Array =>
  encodeBatchSync({
    v: 1, batchId, sessionId: 'hostile-test', page: 'https://shop.example/', sentAt: 1_700_000_000_000,
    events: [{ kind: 'vital', name: 'LCP', value: 1200, unit: 'ms', rating: 'good', ts: 1_700_000_000_000 }],
  }, { deflate: 'auto' });

describe('a default collector under the amplification bodies (256 MB heap)', () => {
  beforeAll(async () => {
    const dir = join(root, 'node_modules', '.cache', 'pagepace-test');
    mkdirSync(dir, { recursive: true });
    const fixture = join(dir, `hostile-collector-${process.pid}.mjs`);
    await build({ entryPoints: [join(__dirname, 'hostile.fixture.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: fixture, logLevel: 'error' });
    child = fork(fixture, [], { execArgv: [`--max-old-space-size=${HEAP_MB}`], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('exit', (code, signal) => (exit = { code, signal }));
    port = await new Promise<number>((resolve, reject) => {
      child.on('message', (m: { port?: number; delivered?: string; heap?: Heap }) => {
        if (m.port) resolve(m.port);
        if (m.delivered) delivered.push(m.delivered);
        if (m.heap) heapWaiters.shift()?.(m.heap);
      });
      child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
    });
  }, 30_000);

  afterAll(() => {
    if (child?.connected) child.send('stop');
  });

  it('answers the string-table bomb (64 KB → 512 million characters) 4xx within 1 s', async () => {
    const body = stringTableBomb();
    expect(body.length).toBeLessThanOrEqual(65_536);
    const reply = await post(body);
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.text).toMatch(/characters/);
    expect(reply.ms).toBeLessThan(1_000);
    const h = await heap();
    expect(h.limit).toBeLessThan((HEAP_MB + 64) * 2 ** 20); // the cap is real
    expect(h.used).toBeLessThan(HEAP_MB * 2 ** 20);
    const next = await post(valid('after-table-bomb'));
    expect(next.status).toBe(204);
    expect(delivered).toContain('after-table-bomb');
  });

  it('answers the batch bomb (1 KB → 30 MB of JSON) 413 within 1 s', async () => {
    const body = batchBomb();
    expect(body.length).toBeLessThan(1_100);
    const reply = await post(body);
    expect(reply.status).toBe(413);
    expect(reply.text).toMatch(/exceeds the limit of 524288 characters/);
    expect(reply.ms).toBeLessThan(1_000);
    expect((await heap()).used).toBeLessThan(HEAP_MB * 2 ** 20);
    const next = await post(valid('after-batch-bomb'));
    expect(next.status).toBe(204);
    expect(delivered).toContain('after-batch-bomb');
    expect(exit).toBeUndefined();
  });
});
