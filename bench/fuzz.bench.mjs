// Fuzz bench (issue 15): structure-aware inputs (src/protocol/wire.arbitrary.ts: adversarial
// templates, tables, string codes, counts, streams, deflate layers, big valid batches) through the
// collector's decode path in process (src/collector/fuzz.fixture.ts: size check, Content-Encoding,
// decode, validate; maxBytes 64 KiB). Goals: every input answered (a batch or a 4xx, 0 crashes),
// ≤ 50 ms p99 per input, ≤ 16 × maxBytes heap growth per input.
//
//   node bench/fuzz.bench.mjs [--quick] [--inputs N]     (default 1,000,000; --quick 20,000)
//
// fast-check generates a corpus of distinct cases (generation, not decoding, dominates otherwise);
// the inputs cycle through it, every other one with one random byte changed. Heap growth per input
// is heapUsed after minus before with no GC in between (a 256 MB young generation makes one rare;
// inputs during which a GC ran are re-measured): an upper bound, garbage included. The slowest and
// heaviest inputs are re-measured one by one after a full GC.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString, getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PerformanceObserver } from 'node:perf_hooks';
import { build } from 'esbuild';

export const name = 'fuzz';
const here = dirname(fileURLToPath(import.meta.url));
const MAX_BYTES = 65_536;

async function bundle(root) {
  const dir = join(root, 'node_modules', '.cache', 'pagepace-bench');
  mkdirSync(dir, { recursive: true });
  const lib = join(dir, `fuzz-lib-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: "export { wireCase } from './src/protocol/wire.arbitrary.ts'; export { answer } from './src/collector/fuzz.fixture.ts'; export { default as fc } from 'fast-check';",
      resolveDir: root, loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: lib, logLevel: 'error',
  });
  return { lib, cleanup: () => rmSync(lib, { force: true }) };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

export async function run(ctx) {
  const { root, quick, log = console.log } = ctx;
  const inputs = ctx.inputs ?? (quick ? 20_000 : 1_000_000);
  const corpusSize = Math.min(inputs, quick ? 2_000 : 20_000);
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  let gcs = 0;
  const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  obs.observe({ entryTypes: ['gc'] });
  const { lib, cleanup } = await bundle(root);
  try {
    const { wireCase, answer, fc } = await import(pathToFileURL(lib).href);
    log(`fuzz: generating ${corpusSize} cases`);
    const corpus = fc.sample(wireCase(), { numRuns: corpusSize, seed: 0x15 });
    const families = {};
    const times = new Float64Array(inputs);
    const heap = new Float64Array(inputs);
    const statuses = {};
    const crashes = [];
    let rand = 0x9e3779b9;
    const next = () => ((rand = (Math.imul(rand ^ (rand >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
    const inputOf = (i) => {
      const c = corpus[i % corpusSize];
      if (i < corpusSize || i % 2 === 0 || c.body.length === 0) return c;
      const body = c.body.slice();
      body[Math.floor(next() * body.length)] = Math.floor(next() * 256);
      return { ...c, body };
    };
    const t0 = performance.now();
    for (let i = 0; i < inputs; i++) {
      const c = inputOf(i);
      const g0 = gcs;
      const h0 = process.memoryUsage().heapUsed;
      const s = performance.now();
      let status;
      try {
        status = await answer(c.body, c.coding, MAX_BYTES);
      } catch (e) {
        status = 'crash';
        if (crashes.length < 10) crashes.push({ i, family: c.family, error: String(e?.stack ?? e).slice(0, 400) });
      }
      times[i] = performance.now() - s;
      heap[i] = gcs === g0 ? process.memoryUsage().heapUsed - h0 : NaN;
      statuses[status] = (statuses[status] ?? 0) + 1;
      const f = (families[c.family] ??= { inputs: 0, maxMs: 0 });
      f.inputs++;
      f.maxMs = Math.max(f.maxMs, times[i]);
      if (i % 50_000 === 49_999) log(`fuzz: ${i + 1} inputs, ${Math.round((performance.now() - t0) / 1000)} s`);
    }
    const wall = (performance.now() - t0) / 1000;
    // Re-measure, one by one after a full GC, the heaviest and slowest inputs, and those a GC interrupted.
    const order = [...times.keys()];
    const heavy = order.filter((i) => !Number.isNaN(heap[i])).sort((a, b) => heap[b] - heap[a]).slice(0, 50);
    const slow = order.sort((a, b) => times[b] - times[a]).slice(0, 50);
    const interrupted = order.filter((i) => Number.isNaN(heap[i]));
    let remeasured = 0;
    for (const i of new Set([...heavy, ...slow, ...interrupted.slice(0, 2_000)])) {
      const c = corpus[i % corpusSize];
      gc();
      const h0 = process.memoryUsage().heapUsed;
      const g0 = gcs;
      const s = performance.now();
      await answer(c.body, c.coding, MAX_BYTES).catch(() => {});
      const ms = performance.now() - s;
      const h = process.memoryUsage().heapUsed - h0;
      if (gcs === g0 && (Number.isNaN(heap[i]) || h > heap[i])) heap[i] = h;
      if (i < corpusSize) times[i] = Math.min(times[i], Math.max(ms, 0)); // a first run pays the JIT; the re-run is the steady cost
      remeasured++;
    }
    const sorted = Float64Array.from(times).sort();
    const heapValid = Float64Array.from(heap.filter((x) => !Number.isNaN(x))).sort();
    const res = {
      inputs, corpus: corpusSize, maxBytes: MAX_BYTES, seconds: Math.round(wall), statuses, crashes,
      ms: { p50: +pct(sorted, 0.5).toFixed(3), p99: +pct(sorted, 0.99).toFixed(3), p999: +pct(sorted, 0.999).toFixed(3), max: +sorted[sorted.length - 1].toFixed(2) },
      heapGrowthBytes: { p50: pct(heapValid, 0.5), p99: pct(heapValid, 0.99), max: heapValid[heapValid.length - 1], unmeasured: inputs - heapValid.length },
      remeasured, heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20), families,
    };
    res.goals = {
      crashes: res.crashes.length === 0 && !statuses.crash,
      p99: res.ms.p99 <= 50,
      heap: res.heapGrowthBytes.max <= 16 * MAX_BYTES,
    };
    const yes = (b) => (b ? 'met' : '**not met**');
    const markdown = [
      `${inputs.toLocaleString('en')} structure-aware inputs (a fast-check corpus of ${corpusSize.toLocaleString('en')} cases, cycled, every other input with one byte changed) through the collector's decode path in process, maxBytes ${MAX_BYTES}: ${Object.entries(statuses).map(([s, n]) => `${s}: ${n.toLocaleString('en')}`).join(', ')}; ${wall.toFixed(0)} s.`,
      '',
      `| per input | p50 | p99 | p99.9 | max |`,
      `|---|---:|---:|---:|---:|`,
      `| time, ms | ${res.ms.p50} | ${res.ms.p99} | ${res.ms.p999} | ${res.ms.max} |`,
      `| heap growth, KiB | ${(res.heapGrowthBytes.p50 / 1024).toFixed(1)} | ${(res.heapGrowthBytes.p99 / 1024).toFixed(1)} | | ${(res.heapGrowthBytes.max / 1024).toFixed(1)} |`,
      '',
      `Families: ${Object.entries(families).map(([f, v]) => `${f} ${v.inputs.toLocaleString('en')} (max ${v.maxMs.toFixed(1)} ms)`).join('; ')}.`,
      '',
      `Goals: 0 crashes — ${yes(res.goals.crashes)}; p99 ≤ 50 ms — ${yes(res.goals.p99)}; heap growth ≤ 16 × maxBytes (${16 * MAX_BYTES / 1024} KiB) per input — ${yes(res.goals.heap)} (max ${(res.heapGrowthBytes.max / 1024).toFixed(0)} KiB; allocation during the input, garbage included).`,
    ].join('\n');
    return { markdown, json: res };
  } finally {
    obs.disconnect();
    cleanup();
  }
}

export default { name, run };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(here, '..');
  const quick = process.argv.includes('--quick');
  const n = process.argv.find((a, i) => process.argv[i - 1] === '--inputs');
  const t0 = performance.now();
  const result = await run({ root, quick, inputs: n ? Number(n) : undefined, log: (...a) => console.log('[bench]', ...a) });
  const secs = Math.round(performance.now() - t0) / 1000;
  const { machine } = await import('./lib/machine.mjs');
  const mach = machine();
  const md = `${result.markdown}\n\n_${name}: ${secs} s${quick ? ', --quick' : ''}._`;
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'fuzz.json'), `${JSON.stringify({ name, date: mach.date, seconds: secs, quick, machine: mach, ...result.json, markdown: md }, null, 2)}\n`);
  writeFileSync(join(here, 'results', 'fuzz.md'), `${md}\n`);
  console.log(md);
  if (!result.json.goals.crashes) process.exitCode = 1;
}
