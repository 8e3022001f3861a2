/**
 * Two real collector processes sharing one real Redis (Debian's `redis-server`,
 * started here on a free loopback port with persistence off): every batch
 * reaches `onBatch` exactly once through retries, concurrent duplicates,
 * replays to the other instance, and Redis killed or frozen mid-run.
 */
import { fork, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../core/types';
import { BINARY_CONTENT_TYPE, encodeBatchSync } from '../protocol/index';
import type { CollectorStats } from './handler';

const REDIS = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
const root = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once Redis answers PING on `port`. */
async function redisAnswers(port: number, withinMs = 5_000): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    const pong = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
      socket.once('data', (d) => (socket.destroy(), resolve(d.toString().startsWith('+PONG'))));
      socket.once('error', () => resolve(false));
    });
    if (pong) return;
    if (Date.now() > until) throw new Error(`redis-server on ${port} did not answer within ${withinMs} ms`);
    await sleep(50);
  }
}

function startRedis(port: number): ChildProcess {
  // Persistence off: the test's Redis keeps nothing on disk and leaves nothing behind.
  return spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: 'ignore' });
}

interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<CollectorStats | undefined>;
}

const deliveries = new Map<string, number>();
let fixture = '';

async function startCollector(name: string, redisPort: number): Promise<Instance> {
  const child = fork(fixture, [], {
    env: { ...process.env, PAGEPACE_INSTANCE: name, PAGEPACE_REDIS_URL: `redis://127.0.0.1:${redisPort}`, PAGEPACE_TIMEOUT_MS: '300', PAGEPACE_LEASE_MS: '5000' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let stats: CollectorStats | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { port?: number; delivered?: string; stats?: CollectorStats }) => {
      if (m.port) resolve(m.port);
      if (m.delivered) deliveries.set(m.delivered, (deliveries.get(m.delivered) ?? 0) + 1);
      if (m.stats) stats = m.stats;
    });
    child.once('exit', (code) => reject(new Error(`collector ${name} exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    port,
    child,
    stop: async () => {
      if (child.connected) child.send('stop');
      await exited;
      return stats;
    },
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function post(port: number, body: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/collect', agent, headers: { 'Content-Type': BINARY_CONTENT_TYPE, 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0)); // as a browser sees a reset: retry
    req.end(body);
  });
}

const statuses = new Map<number, number>();

/** What the browser does: send, and on anything but 2xx (or 4xx, which would be a bug here) retry, alternating instances. */
async function deliver(body: Uint8Array, ports: number[], first = 0): Promise<void> {
  const until = Date.now() + 20_000;
  for (let attempt = first; ; attempt++) {
    const status = await post(ports[attempt % ports.length]!, body);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status === 204) return;
    if (status >= 400 && status < 500) throw new Error(`collector answered ${status}`);
    if (Date.now() > until) throw new Error('batch not accepted within 20 s');
    await sleep(30);
  }
}

/** Runs `jobs` with at most `width` at a time. */
async function pool(jobs: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) await jobs[next++]!();
  }));
}

const batch = (sessionId: string, i: number): Batch => ({
  v: 1,
  batchId: `b${i}`,
  sessionId,
  page: 'https://shop.example/cart',
  sentAt: 1_700_000_000_000 + i,
  events: [{ kind: 'vital', name: 'LCP', value: 1000 + i, unit: 'ms', rating: 'good', ts: 1_700_000_000_000 + i, id: `v${i}` }],
});

const keysOf = (sessionId: string, n: number) => Array.from({ length: n }, (_, i) => `${sessionId}/b${i}`);
const counts = (keys: string[]) => keys.map((k) => deliveries.get(k) ?? 0);

describe.skipIf(!REDIS)('two collector processes sharing a real Redis', () => {
  let redisPort = 0;
  let redis: ChildProcess;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    const dir = join(root, 'node_modules', '.cache', 'pagepace-test');
    mkdirSync(dir, { recursive: true });
    fixture = join(dir, `redis-collector-${process.pid}.mjs`);
    // packages: 'external' keeps `redis` an import, resolved from the repo's node_modules.
    await build({ entryPoints: [join(__dirname, 'redis.fixture.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: fixture, logLevel: 'error' });
    redisPort = await freePort();
    redis = startRedis(redisPort);
    await redisAnswers(redisPort);
    [a, b] = await Promise.all([startCollector('a', redisPort), startCollector('b', redisPort)]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    redis?.kill('SIGKILL');
    agent.destroy();
  });

  it('delivers each batch once through retries, concurrent duplicates and replays to the other instance', async () => {
    const n = 150;
    const bodies = Array.from({ length: n }, (_, i) => encodeBatchSync(batch('dup', i), { deflate: 'auto' }));
    // The same batch to both instances at the same moment (a retry racing its original through the load balancer)…
    await pool(bodies.map((body) => () => Promise.all([deliver(body, [a.port, b.port]), deliver(body, [b.port, a.port])]).then(() => {})), 8);
    // …then a replay of each (the unload journal at the next page load), once to each instance.
    await pool(bodies.map((body, i) => () => deliver(body, [a.port, b.port], i)), 8);
    await pool(bodies.map((body) => () => deliver(body, [b.port])), 8);
    expect(counts(keysOf('dup', n))).toEqual(Array(n).fill(1));
  });

  it('answers 503 while Redis is down, recovers when it returns: nothing lost, nothing doubled', async () => {
    const n = 300;
    const bodies = Array.from({ length: n }, (_, i) => encodeBatchSync(batch('kill', i), { deflate: 'auto' }));
    statuses.clear();
    const sending = pool(bodies.map((body, i) => () => deliver(body, [a.port, b.port], i)), 8);
    while (counts(keysOf('kill', n)).filter(Boolean).length < 80) await sleep(5);
    redis.kill('SIGKILL');
    await sleep(600);
    const deliveredWhileDown = counts(keysOf('kill', n)).filter(Boolean).length;
    await sleep(400);
    // Nothing is delivered while the store is away (at most what was mid-onBatch when it went).
    expect(counts(keysOf('kill', n)).filter(Boolean).length).toBe(deliveredWhileDown);
    redis = startRedis(redisPort);
    await redisAnswers(redisPort);
    await sending;
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(counts(keysOf('kill', n))).toEqual(Array(n).fill(1));
  });

  it('answers 503 while Redis hangs (timeouts), releases the late claims, and replays stay duplicates', async () => {
    const n = 200;
    const bodies = Array.from({ length: n }, (_, i) => encodeBatchSync(batch('hang', i), { deflate: 'auto' }));
    statuses.clear();
    const sending = pool(bodies.map((body, i) => () => deliver(body, [a.port, b.port], i)), 8);
    while (counts(keysOf('hang', n)).filter(Boolean).length < 60) await sleep(5);
    redis.kill('SIGSTOP');
    await sleep(1_000);
    redis.kill('SIGCONT');
    await sending;
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    // Redis kept its memory this time: every batch replayed to both instances is a duplicate.
    await pool(bodies.map((body) => () => deliver(body, [a.port]).then(() => deliver(body, [b.port]))), 8);
    expect(counts(keysOf('hang', n))).toEqual(Array(n).fill(1));
  });

  it('shuts both instances down gracefully, counters agreeing with what the test saw', async () => {
    const stats = await Promise.all([a.stop(), b.stop()]);
    const accepted = stats.reduce((sum, s) => sum + (s?.accepted ?? 0), 0);
    expect(accepted).toBe([...deliveries.values()].reduce((x, y) => x + y, 0));
    expect(stats.every((s) => s?.inFlight === 0)).toBe(true);
  });
});
