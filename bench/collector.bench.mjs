// Collector bench (issue 16): one `createCollector` process on Node's http, load from this
// process with autocannon, the 50-event reference batch as binary (as the client sends it:
// deflate 'auto') and as JSON, with the memory store and with the Redis store (a real
// redis-server on a free loopback port, persistence off). Per round: batches/s, p50/p99 latency,
// CPU time per batch (server process; the stable figure on a shared machine), memory.
//
//   node bench/collector.bench.mjs [--quick] [--profile] [--rounds binary/memory,json/redis,…]
//   standalone: writes bench/results/collector.json and collector.md (--rounds: only those rounds)
//   (or as a module of bench/run.mjs: export { name, run(ctx) })
//
// --profile runs the memory/binary round with `node --cpu-prof` and writes the .cpuprofile to
// bench/results/. Sources are bundled from src/ by esbuild for each run (not dist/), so the
// figures are those of the working tree.
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { deflateRawSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import autocannon from 'autocannon';

export const name = 'collector';

const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The module the server and this process share: the collector, the codec and the reference conversion, from src/. */
async function bundle(root) {
  const dir = join(root, 'node_modules', '.cache', 'pagepace-bench');
  mkdirSync(dir, { recursive: true });
  const lib = join(dir, `collector-lib-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: [
        "export * from './src/collector/index.ts';",
        "export { encodeBatchSync, decodeBatch as decodeBinary, BINARY_CONTENT_TYPE } from './src/protocol/index.ts';",
        "export { referenceToBatch } from './src/protocol/reference.ts';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: lib, logLevel: 'error',
  });
  const server = join(dir, `collector-server-${process.pid}.mjs`);
  writeFileSync(server, SERVER.replace('__LIB__', pathToFileURL(lib).href));
  return { dir, lib, server, cleanup: () => [lib, server].forEach((f) => rmSync(f, { force: true })) };
}

/** The server process: a collector whose onBatch resolves at once (what is measured is the collector). */
const SERVER = `
import { createServer } from 'node:http';
import * as C from '__LIB__';
const store = process.env.STORE;
let dedupe = true, redis;
if (store === 'redis') {
  const { createClient } = await import('redis');
  redis = createClient({ url: process.env.REDIS_URL });
  redis.on('error', () => {});
  await redis.connect();
  dedupe = C.createRedisDedupe(redis);
}
let delivered = 0;
const collect = C.createCollector({ onBatch: async () => { delivered++; }, dedupe, onError: () => {} });
// The floor: node:http reading the body and answering 204, no collector at all.
let floor = 0;
const bare = (req, res) => { req.resume(); req.on('end', () => { floor++; res.statusCode = 204; res.end(); }); };
const server = createServer(store === 'floor' ? bare : collect);
const stats = () => (store === 'floor' ? { accepted: floor, duplicates: 0 } : collect.stats());
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', async (m) => {
  if (m === 'sample') process.send({ sample: { cpu: process.cpuUsage(), mem: process.memoryUsage(), stats: stats(), delivered } });
  if (m === 'stop') { await C.shutdown(server, collect, { timeoutMs: 2000 }); await redis?.quit(); process.exit(0); }
});
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(1), 300_000).unref();
`;

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** One Redis command over a raw socket (RESP inline), for PING, FLUSHALL, INFO, DBSIZE. */
function redisCommand(port, line) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(`${line}\r\n`));
    let text = '';
    socket.on('data', (d) => {
      text += d;
      // A bulk reply ($n) is complete once n bytes arrived; the others are one line.
      const bulk = /^\$(\d+)\r\n/.exec(text);
      if (!bulk ? text.endsWith('\r\n') : text.length >= bulk[0].length + Number(bulk[1]) + 2) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', () => resolve(''));
  });
}

async function startRedis() {
  const bin = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!bin) return undefined;
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await redisCommand(port, 'PING')).startsWith('+PONG'); i++) await sleep(50);
  return { port, child };
}

function startServer(script, env, execArgv = []) {
  const child = fork(script, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters = [];
  child.on('message', (m) => {
    if (m.sample) waiters.shift()?.(m.sample);
  });
  const port = new Promise((resolve, reject) => {
    child.on('message', (m) => m.port && resolve(m.port));
    child.once('exit', (code) => reject(new Error(`collector server exited with ${code}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    port,
    sample: () => new Promise((resolve) => (waiters.push(resolve), child.send('sample'))),
    stop: async () => (child.connected && child.send('stop'), await exited),
  };
}

/**
 * `count` distinct bodies of the reference batch (distinct batch ids: each is a new batch for
 * dedupe). Encoding 50 events tens of thousands of times would take longer than the rounds, so the
 * batch is encoded once around a fixed-length id that is then overwritten; binary bodies are
 * deflated afterwards, as the client's deflate: 'auto' does (header flag 1, raw DEFLATE payload).
 */
async function bodies(C, batch, format, count) {
  const HOLE = 'bench-ZZZZZZZZZZ';
  const id = (i) => `bench-${i.toString(36).padStart(10, '0')}`;
  const out = new Array(count);
  if (format === 'json') {
    const [head, tail] = JSON.stringify({ ...batch, batchId: HOLE }).split(HOLE);
    for (let i = 0; i < count; i++) out[i] = Buffer.from(head + id(i) + tail);
    return out;
  }
  const plain = Buffer.from(C.encodeBatchSync({ ...batch, batchId: HOLE }, { deflate: false }));
  const at = plain.indexOf(HOLE);
  if (at < 0 || plain.indexOf(HOLE, at + 1) >= 0) throw new Error('bench: the batch id is not where the bench expects it in the binary body');
  for (let i = 0; i < count; i++) {
    plain.write(id(i), at, 'latin1');
    const packed = deflateRawSync(plain.subarray(4));
    const body = Buffer.allocUnsafe(4 + packed.length);
    plain.copy(body, 0, 0, 4);
    body[3] |= 1;
    packed.copy(body, 4);
    out[i] = body;
  }
  // The trick must give what the codec would: check one body round-trips to the batch it stands for.
  const back = await C.decodeBinary(out[7]);
  if (back.batchId !== id(7) || back.events.length !== batch.events.length) throw new Error('bench: patched binary body does not decode to its batch');
  return out;
}

function load(port, pool, type, seconds, connections) {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon({
      url: `http://127.0.0.1:${port}/collect`,
      connections,
      duration: seconds,
      requests: [{
        method: 'POST',
        headers: { 'content-type': type },
        setupRequest: (req) => ({ ...req, body: pool[next++ % pool.length] }),
      }],
    }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const round1 = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function measure({ C, paths, batch, format, store, redisPort, seconds, warmSeconds, connections, profileDir }) {
  const type = format === 'binary' ? C.BINARY_CONTENT_TYPE : 'application/json';
  // Enough distinct batches that the timed part has no duplicates at the rates this machine reaches.
  const pool = await bodies(C, batch, format, Math.ceil((seconds + warmSeconds) * 9_000));
  if (redisPort) await redisCommand(redisPort, 'FLUSHALL');
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const server = startServer(paths.server, { STORE: store, REDIS_URL: redisPort ? `redis://127.0.0.1:${redisPort}` : '' }, execArgv);
  const port = await server.port;
  await load(port, pool.slice(-Math.ceil(warmSeconds * 9_000)), type, warmSeconds, connections); // warm-up: JIT, sockets
  const before = await server.sample();
  const r = await load(port, pool.slice(0, -Math.ceil(warmSeconds * 9_000)), type, seconds, connections);
  const after = await server.sample();
  let redisBytesPerKey;
  if (redisPort) {
    const used = Number(/used_memory:(\d+)/.exec(await redisCommand(redisPort, 'INFO memory'))?.[1]);
    const keys = Number(/:(\d+)/.exec(await redisCommand(redisPort, 'DBSIZE'))?.[1]);
    await redisCommand(redisPort, 'FLUSHALL');
    const empty = Number(/used_memory:(\d+)/.exec(await redisCommand(redisPort, 'INFO memory'))?.[1]);
    redisBytesPerKey = keys ? Math.round((used - empty) / keys) : undefined;
  }
  await server.stop();
  const handled = after.stats.accepted + after.stats.duplicates - (before.stats.accepted + before.stats.duplicates);
  const cpuUs = after.cpu.user + after.cpu.system - (before.cpu.user + before.cpu.system);
  const non2xx = r.non2xx + r.errors;
  return {
    format, store, bodyBytes: pool[0].length, connections, seconds,
    batchesPerSec: Math.round(handled / seconds),
    eventsPerSec: Math.round((handled * batch.events.length) / seconds),
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    cpuUsPerBatch: round1(cpuUs / handled),
    cpuSystemUsPerBatch: round1((after.cpu.system - before.cpu.system) / handled),
    serverCpuPercent: round1((cpuUs / 1e6 / seconds) * 100, 0),
    rssMiB: round1(after.mem.rss / 2 ** 20), heapUsedMiB: round1(after.mem.heapUsed / 2 ** 20),
    accepted: after.stats.accepted - before.stats.accepted, duplicates: after.stats.duplicates - before.stats.duplicates, non2xx,
    ...(redisBytesPerKey ? { redisBytesPerKey } : {}),
  };
}

/** The cost of the Redis store alone: claim + confirm, one at a time, from this process (µs). */
async function redisCost(C, redisPort, n) {
  const { createClient } = await import('redis');
  const redis = createClient({ url: `redis://127.0.0.1:${redisPort}` });
  redis.on('error', () => {});
  await redis.connect();
  const store = C.createRedisDedupe(redis);
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await store.claim(`cost-${i}`);
    await store.confirm(`cost-${i}`);
    times.push((performance.now() - t) * 1000);
  }
  await redis.quit();
  await redisCommand(redisPort, 'FLUSHALL');
  times.sort((a, b) => a - b);
  return { p50: Math.round(times[n >> 1]), p99: Math.round(times[Math.floor(n * 0.99)]) };
}

/** On paper, from the measured figures: what 10,000 page views/s would take. */
function capacity(rounds) {
  const pv = 10_000;
  // Per page view: ~2 new batches (one while the page is open, one at page hide), and the unload
  // beacon's journal copy replayed at the next page load: one duplicate.
  const fresh = 2 * pv;
  const dups = pv;
  const best = (store) => rounds.filter((r) => r.store === store && r.format === 'binary')[0];
  const mem = best('memory');
  const red = best('redis') ?? mem;
  const cores = ((fresh + dups) * red.cpuUsPerBatch) / 1e6;
  const perProcess = red.batchesPerSec;
  const bytesPerKey = red.redisBytesPerKey ?? 100;
  const keys7d = fresh * 7 * 86_400;
  const keys1d = fresh * 86_400;
  return {
    assumptions: '10,000 page views/s; 2 new batches per page view plus 1 replayed duplicate (the unload journal); binary format; Redis store',
    batchesPerSec: fresh + dups,
    collectorCores: round1(cores),
    instancesAtMeasuredRate: Math.ceil((fresh + dups) / perProcess),
    redisOpsPerSec: 2 * fresh + dups,
    redisKeys: { ttl7d: keys7d, ttl24h: keys1d },
    redisGiB: { ttl7d: round1((keys7d * bytesPerKey) / 2 ** 30), ttl24h: round1((keys1d * bytesPerKey) / 2 ** 30) },
    bytesPerKey,
  };
}

function markdown(res) {
  const rows = res.rounds.map((r) => `| ${r.format} (${r.bodyBytes} B) | ${r.store} | ${r.batchesPerSec.toLocaleString('en')} | ${r.eventsPerSec.toLocaleString('en')} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.cpuUsPerBatch} | ${r.serverCpuPercent}% | ${r.rssMiB} / ${r.heapUsedMiB} | ${r.non2xx} |`);
  const goal = res.rounds.find((r) => r.format === 'binary' && r.store === 'memory');
  const c = res.capacity;
  return [
    `One collector process (Node ${process.version}, \`createCollector\` on \`http.createServer\`, onBatch resolving at once), load from another process (autocannon ${res.autocannon}, ${res.rounds[0]?.connections} connections, ${res.rounds[0]?.seconds} s per round after a warm-up), the 50-event reference batch with a distinct batch id per request.`,
    '',
    '| body | store | batches/s | events/s | p50 ms | p99 ms | CPU µs/batch | server CPU | RSS / heap MiB | non-2xx |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'The `floor` row is node:http alone (read the body, answer 204) on the same machine at the same moment: what no collector can beat here.',
    '',
    goal ? `Goal (binary, memory store): ≥ 5,000 batches/s at p99 ≤ 10 ms — measured ${goal.batchesPerSec.toLocaleString('en')}/s at p99 ${goal.latencyMs.p99} ms: **${goal.batchesPerSec >= 5000 && goal.latencyMs.p99 <= 10 ? 'met' : 'not met'}**. On 2 cores the load generator takes one of them: the CPU µs/batch column is the figure to compare across machines.` : '',
    res.redisCost ? `Redis store alone (claim + confirm, one at a time over loopback): p50 ${res.redisCost.p50} µs, p99 ${res.redisCost.p99} µs per new batch (goal ≤ 300 µs at p50). Redis memory: ${c.bytesPerKey} bytes per delivered key.` : 'Redis: redis-server not found, rounds skipped.',
    '',
    `On paper, ${c.assumptions}: ${c.batchesPerSec.toLocaleString('en')} batches/s → ${c.collectorCores} cores of collector CPU (at the measured µs/batch), ${c.instancesAtMeasuredRate} processes at the rate measured here; ${c.redisOpsPerSec.toLocaleString('en')} Redis commands/s (claim + confirm per new batch, claim per duplicate: one Redis instance serves ~100,000/s); keys held: ${(c.redisKeys.ttl7d / 1e9).toFixed(1)} billion with the 7-day TTL (~${c.redisGiB.ttl7d} GiB), ${(c.redisKeys.ttl24h / 1e9).toFixed(2)} billion with \`ttlMs\` 24 h (~${c.redisGiB.ttl24h} GiB).`,
  ].join('\n');
}

/** Runs the bench; `ctx` as bench/run.mjs passes it. */
export async function run(ctx) {
  const { root, quick, log = console.log } = ctx;
  const profile = ctx.profile ?? false;
  const paths = await bundle(root);
  const C = await import(pathToFileURL(paths.lib).href);
  const shared = join(root, '..', 'shared', 'bench', 'reference-batch-50.json');
  const refPath = existsSync(shared) ? shared : join(root, 'src/protocol/vectors/reference-batch-50.json');
  const batch = C.referenceToBatch(JSON.parse(readFileSync(refPath, 'utf8')));
  const seconds = quick ? 3 : 8;
  const warmSeconds = quick ? 1 : 2;
  const connections = 20;
  const redis = await startRedis();
  const rounds = [];
  try {
    for (const store of ['floor', 'memory', 'redis']) {
      if (store === 'redis' && !redis) continue;
      for (const format of store === 'floor' ? ['binary'] : ['binary', 'json']) {
        if (ctx.only && !ctx.only.includes(`${format}/${store}`)) continue;
        log(`collector: ${format}, ${store} store`);
        const profileDir = profile && store === 'memory' && format === 'binary' ? join(here, 'results') : undefined;
        rounds.push(await measure({ C, paths, batch, format, store, redisPort: redis?.port, seconds, warmSeconds, connections, profileDir }));
      }
    }
    const redisCostUs = redis && rounds.some((r) => r.store === 'redis') ? await redisCost(C, redis.port, quick ? 500 : 2000) : undefined;
    const autocannonVersion = JSON.parse(readFileSync(join(root, 'node_modules/autocannon/package.json'), 'utf8')).version;
    const json = { reference: refPath.includes('shared') ? '../shared/bench/reference-batch-50.json' : 'src/protocol/vectors/reference-batch-50.json', autocannon: autocannonVersion, rounds, redisCost: redisCostUs, capacity: capacity(rounds) };
    return { markdown: markdown(json), json };
  } finally {
    redis?.child.kill('SIGKILL');
    paths.cleanup();
  }
}

export default { name, run };

// Standalone: node bench/collector.bench.mjs [--quick] [--profile]
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(here, '..');
  const quick = process.argv.includes('--quick');
  const profile = process.argv.includes('--profile');
  // --rounds binary/memory,json/redis: only those (for profiling; the results file then has only them).
  const only = process.argv.find((a, i) => process.argv[i - 1] === '--rounds')?.split(',');
  const t0 = performance.now();
  const result = await run({ root, quick, profile, only, log: (...a) => console.log('[bench]', ...a) });
  if (profile) {
    const dir = join(here, 'results');
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.startsWith('CPU.'))) renameSync(join(dir, f), join(dir, 'collector.cpuprofile'));
  }
  const secs = Math.round(performance.now() - t0) / 1000;
  const { machine } = await import('./lib/machine.mjs');
  const mach = machine();
  const md = `${result.markdown}\n\n_${name}: ${secs} s${quick ? ', --quick' : ''}._`;
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'collector.json'), `${JSON.stringify({ name, date: mach.date, seconds: secs, quick, machine: mach, ...result.json, markdown: md }, null, 2)}\n`);
  writeFileSync(join(here, 'results', 'collector.md'), `${md}\n`);
  console.log(md);
}
