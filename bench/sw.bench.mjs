// Service worker bench: a repeat visit of a page with 40 assets, each held 150 ms by the server,
// with no service worker, with a Workbox CacheFirst worker and with pagepace's worker — same run,
// interleaved — plus L1-hit and L2-hit fetch latency measured in the page.
//
//   npm run build && node bench/sw.bench.mjs [--runs 10]
//
// Writes bench/results/sw.json and prints a markdown table.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { rollup } from 'rollup';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import workboxConfig from './sw-workbox/rollup.config.mjs';
import { startDemoServer } from '../demo/server.js';

const path = (p) => fileURLToPath(new URL(p, import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 10);
const DELAY = arg('delay', 150);
const ASSETS = 40;
const MODES = ['none', 'workbox', 'pagepace', 'floor'];
const LABELS = { none: 'no service worker', workbox: 'Workbox CacheFirst', pagepace: 'pagepace', floor: 'floor: a worker answering every asset from one constant buffer' };

/** The least any service worker can cost here: no lookup, no storage, one constant body. */
const FLOOR_SW = `const body = new Uint8Array(16000).buffer;
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (e) => {
  if (e.request.url.includes('/bench/assets/')) e.respondWith(new Response(body, { headers: { 'content-type': e.request.destination === 'style' ? 'text/css' : e.request.destination === 'image' ? 'image/svg+xml' : 'text/javascript' } }));
});`;

/** Same order as e2e/chromium.ts (which plain node cannot import: it is TypeScript). */
function findChromium() {
  const candidates = [process.env.PAGEPACE_CHROMIUM, '/usr/bin/chromium'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // no browser of Playwright's own
  }
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error('No Chromium found: apt-get install -y chromium, or set PAGEPACE_CHROMIUM.');
  return found;
}

/** A small deterministic generator, so every run of the bench serves the same bytes. */
function prng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

async function build() {
  if (!existsSync(path('../dist/pagepace-sw.js')) || !existsSync(path('../dist/sw-client.js'))) {
    throw new Error('Build first: npm run build');
  }
  const wb = await rollup(workboxConfig);
  await wb.write(workboxConfig.output);
  await wb.close();
  const client = await rollup({ input: path('../e2e/fixtures/sw/client-entry.js'), plugins: [nodeResolve({ browser: true })] });
  await client.write({ file: path('../e2e/fixtures/sw/build/client.js'), format: 'iife', plugins: [terser({ ecma: 2020 })] });
  await client.close();

  const dir = path('../e2e/fixtures/sw/bench/');
  await rm(`${dir}assets`, { recursive: true, force: true });
  await mkdir(`${dir}assets`, { recursive: true });
  const rand = prng(42);
  const text = (n) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(rand() * 36)]).join('');
  const head = [];
  const body = [];
  for (let i = 0; i < ASSETS; i++) {
    const size = 2_000 + Math.floor(rand() * 30_000);
    const q = `?delay=${DELAY}`;
    if (i < 10) {
      await writeFile(`${dir}assets/s${i}.css`, `.c${i}{color:#${(i * 99).toString(16).padStart(3, '0')}}/*${text(size)}*/\n`);
      head.push(`<link rel="stylesheet" href="assets/s${i}.css${q}">`);
    } else if (i < 20) {
      await writeFile(`${dir}assets/j${i}.js`, `window.__b=(window.__b||0)+1;//${text(size)}\n`);
      head.push(`<script src="assets/j${i}.js${q}" defer></script>`);
    } else {
      await writeFile(`${dir}assets/i${i}.svg`, `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><!--${text(size)}--><rect width="8" height="8" fill="#${(i * 77).toString(16).padStart(3, '0')}"/></svg>`);
      body.push(`<img src="assets/i${i}.svg${q}" width="8" height="8" alt="">`);
    }
  }
  await writeFile(`${dir}floor-sw.js`, FLOOR_SW);
  await writeFile(`${dir}index.html`, `<!doctype html>
<html><head><meta charset="utf-8"><title>pagepace sw bench</title>
${head.join('\n')}
</head><body>
${body.join('\n')}
<script src="../build/client.js"></script>
<script>
  const mode = new URLSearchParams(location.search).get('mode');
  window.assetUrls = [...document.querySelectorAll('link[rel=stylesheet],script[src*=assets],img')].map((e) => e.href || e.src);
  if (mode === 'pagepace') {
    window.sw = ppsw.registerServiceWorker({ url: '/pagepace-sw.js', scope: '/fixtures/sw/bench/', config: { routes: [{ pattern: '/bench/assets/', strategy: 'cache-first' }] } });
  } else if (mode === 'workbox' || mode === 'floor') {
    addEventListener('load', () => navigator.serviceWorker.register(mode + '-sw.js'));
  }
</script>
</body></html>
`);
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN;
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

// `ready` can resolve while the worker is still activating: poll for `activated` itself.
const waitActivated = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const giveUp = Date.now() + 15_000;
  const check = async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    if (reg?.active?.state === 'activated') resolve(undefined);
    else if (Date.now() > giveUp) reject(new Error(`worker not activated (${reg ? reg.active?.state ?? reg.installing?.state ?? reg.waiting?.state : 'no registration'})`));
    else setTimeout(check, 20);
  };
  check();
}));

/** How many asset responses the mode's worker holds. */
const cached = (page, mode) => page.evaluate(async (mode) => {
  if (mode === 'pagepace') return (await window.sw.stats())?.l2.entries ?? 0;
  const c = await caches.open('bench-assets');
  return (await c.keys()).length;
}, mode);

const loadTime = (page) => page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);

/** How many assets of the visit took longer than the server delay (i.e. went to the network). */
const slowAssets = (page) => page.evaluate((delay) => performance.getEntriesByType('resource').filter((e) => e.name.includes('/bench/assets/') && e.duration >= delay).length, DELAY);

/** One fresh browser profile: first visit, a visit that fills the cache, then the measured repeat visits. */
async function run(browser, base, mode) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const url = `${base}/fixtures/sw/bench/index.html?mode=${mode}`;
  try {
    await page.goto(url, { waitUntil: 'load' });
    if (mode !== 'none') {
      await waitActivated(page);
      await page.reload({ waitUntil: 'load' });
      // Every asset (and the client bundle) stored before measuring.
      const deadline = Date.now() + 15_000;
      // pagepace's L2 also holds the page and the client bundle; Workbox's asset cache the bundle.
      const want = mode === 'pagepace' ? ASSETS + 2 : mode === 'workbox' ? ASSETS + 1 : 0;
      while ((await cached(page, mode)) < want) {
        if (Date.now() > deadline) throw new Error(`${mode}: the cache never held every asset`);
        await page.waitForTimeout(50);
      }
      if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) throw new Error(`${mode}: the page is not controlled`);
    } else {
      await page.reload({ waitUntil: 'load' });
    }
    await page.goto(url, { waitUntil: 'load' });
    const warm = await loadTime(page);
    const warmSlow = await slowAssets(page);
    // The next day, the browser has stopped the worker: L1 is gone, pagepace answers from L2.
    const cdp = await context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await page.goto(url, { waitUntil: 'load' });
    const cold = await loadTime(page);
    const coldSlow = await slowAssets(page);
    let latency;
    let worker;
    if (mode !== 'none') latency = await probe(page, mode);
    if (mode === 'pagepace') worker = (await page.evaluate(() => window.sw.stats())).tiers;
    return { warm, cold, latency, warmSlow, coldSlow, worker };
  } finally {
    await context.close();
  }
}

/** Fetch latency of cached assets, timed in the page: fetch() until the body is read. */
function probe(page, mode) {
  return page.evaluate(async (mode) => {
    const time = async () => {
      const out = [];
      for (const u of window.assetUrls) {
        const t = performance.now();
        await (await fetch(u)).arrayBuffer();
        out.push(performance.now() - t);
      }
      return out;
    };
    await time(); // settle: every entry is now in L1 (pagepace) or was just read (Workbox)
    const hot = [...(await time()), ...(await time())];
    const cold = [];
    if (mode === 'pagepace') {
      for (let i = 0; i < 2; i++) {
        await window.sw.clear('l1');
        cold.push(...(await time()));
      }
    }
    return { hot, cold };
  }, mode);
}

await build();
const demo = await startDemoServer({ fixtures: true, quiet: true });
const browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const chromiumVersion = browser.version();
let retries = 0;
const samples = Object.fromEntries(MODES.map((m) => [m, { warm: [], cold: [] }]));
const lat = { l1: [], l2: [], workboxCache: [], floor: [] };
const inWorker = { l1: [], l2: [] };
try {
  for (let r = 0; r < RUNS; r++) {
    // Rotate the order so that no mode always runs first (or last) in a round.
    for (const mode of MODES.map((_, i) => MODES[(i + r) % MODES.length])) {
      // A loaded machine occasionally loses a page (renderer crash or timeout): retry once, and say so.
      const res = await run(browser, demo.url, mode).catch((e) => {
        process.stderr.write(`${mode}: ${String(e).split('\n')[0]}; retrying\n`);
        retries++;
        return run(browser, demo.url, mode);
      });
      samples[mode].warm.push(res.warm);
      samples[mode].cold.push(res.cold);
      if (mode === 'pagepace') {
        lat.l1.push(...res.latency.hot);
        lat.l2.push(...res.latency.cold);
        inWorker.l1.push(res.worker.l1.p50);
        inWorker.l2.push(res.worker.l2.p50);
      } else if (mode === 'workbox') lat.workboxCache.push(...res.latency.hot);
      else if (mode === 'floor') lat.floor.push(...res.latency.hot);
    }
    process.stderr.write(`run ${r + 1}/${RUNS}\n`);
  }
} finally {
  await browser.close();
  await demo.close();
}

const stat = (xs) => ({ n: xs.length, p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), mean: round(xs.reduce((a, b) => a + b, 0) / xs.length) });
const visits = Object.fromEntries(MODES.map((m) => [m, { warm: stat(samples[m].warm), cold: stat(samples[m].cold) }]));
const latency = { l1: stat(lat.l1), l2: stat(lat.l2), workboxCache: stat(lat.workboxCache), floor: stat(lat.floor), inWorkerLookupP50: { l1: round(percentile(inWorker.l1, 50), 3), l2: round(percentile(inWorker.l2, 50), 3) } };
const p50 = (m, k = 'warm') => visits[m][k].p50;
const goals = {
  speedupVsNoSw: round(p50('none') / p50('pagepace'), 2),
  ratioVsWorkbox: round(p50('pagepace') / p50('workbox'), 2),
  speedupVsNoSwWorkerStopped: round(p50('none', 'cold') / p50('pagepace', 'cold'), 2),
  ratioVsWorkboxWorkerStopped: round(p50('pagepace', 'cold') / p50('workbox', 'cold'), 2),
  // What no worker can beat: the constant-buffer worker's time over Workbox's, same run.
  floorVsWorkbox: round(p50('floor') / p50('workbox'), 2),
  floorVsWorkboxWorkerStopped: round(p50('floor', 'cold') / p50('workbox', 'cold'), 2),
  l2HitP50: latency.l2.p50,
  l1HitP50: round(percentile(lat.l1, 50), 2),
  floorP50: round(percentile(lat.floor, 50), 2),
  l1OverFloorP50: round(percentile(lat.l1, 50) - percentile(lat.floor, 50), 2),
  l2OverFloorP50: round(percentile(lat.l2, 50) - percentile(lat.floor, 50), 2),
};
const result = {
  date: new Date().toISOString(), runs: RUNS, assets: ASSETS, delayMs: DELAY, chromium: chromiumVersion,
  cpus: (await import('node:os')).cpus().length, loadavg: (await import('node:os')).loadavg(), retries, visits, latency, goals,
  raw: { samples, latency: lat },
};
await mkdir(path('./results'), { recursive: true });
await writeFile(path('./results/sw.json'), `${JSON.stringify(result, null, 2)}\n`);

const ok = (b) => (b ? 'yes' : '**no**');
console.log(`### Repeat visit, ${ASSETS} assets × ${DELAY} ms at the server, ${RUNS} runs each (load event, ms)

| | worker alive p50 | p95 | worker stopped p50 | p95 |
|---|---:|---:|---:|---:|
${MODES.map((m) => `| ${LABELS[m]} | ${visits[m].warm.p50} | ${visits[m].warm.p95} | ${visits[m].cold.p50} | ${visits[m].cold.p95} |`).join('\n')}

### Cached fetch latency in the page (fetch() until body read, ms)

| | n | p50 | p95 |
|---|---:|---:|---:|
| pagepace L1 hit | ${latency.l1.n} | ${round(percentile(lat.l1, 50), 2)} | ${round(percentile(lat.l1, 95), 2)} |
| pagepace L2 hit | ${latency.l2.n} | ${round(percentile(lat.l2, 50), 2)} | ${round(percentile(lat.l2, 95), 2)} |
| Workbox Cache Storage hit | ${latency.workboxCache.n} | ${round(percentile(lat.workboxCache, 50), 2)} | ${round(percentile(lat.workboxCache, 95), 2)} |
| floor (constant buffer, no lookup) | ${latency.floor.n} | ${goals.floorP50} | ${round(percentile(lat.floor, 95), 2)} |

Inside the worker (lookup until the entry is found, p50 of each run's p50; the worker's clock ticks in 0.1 ms): L1 ${latency.inWorkerLookupP50.l1} ms, L2 ${latency.inWorkerLookupP50.l2} ms.
Machine: ${result.cpus} CPUs, ${retries} runs retried, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' / ')} at the end.

### Goals

| goal | figure | met |
|---|---:|:-:|
| repeat visit ≥ 5× faster than no SW | ${goals.speedupVsNoSw}× | ${ok(goals.speedupVsNoSw >= 5)} |
| worker alive: ≤ 0.9× Workbox CacheFirst's time | ${goals.ratioVsWorkbox}× (floor ${goals.floorVsWorkbox}×) | ${ok(goals.ratioVsWorkbox <= 0.9)} |
| worker stopped: ≤ 0.9× Workbox CacheFirst's time | ${goals.ratioVsWorkboxWorkerStopped}× (floor ${goals.floorVsWorkboxWorkerStopped}×) | ${ok(goals.ratioVsWorkboxWorkerStopped <= 0.9)} |
| L2 hit p50 ≤ Workbox's Cache Storage hit (in the page) | ${goals.l2HitP50} vs ${latency.workboxCache.p50} ms | ${ok(goals.l2HitP50 <= latency.workboxCache.p50)} |
| L2 hit p50 ≤ 5 ms (in the page) | ${goals.l2HitP50} ms (floor + ${goals.l2OverFloorP50}) | ${ok(goals.l2HitP50 <= 5)} |
| L1 hit p50 ≤ 1 ms (in the page) | ${goals.l1HitP50} ms (floor + ${goals.l1OverFloorP50}) | ${ok(goals.l1HitP50 <= 1)} |
`);
