// Lazy loading and prefetching bench (issue 8): same run, interleaved, fresh browser context per run.
//
//   Gallery: bytes transferred before any scroll and LCP — eager vs native loading=lazy on every
//   image (hero included) vs vanilla-lazyload vs pagepace.
//   Navigation: click to the next page's LCP with 300 ms of server delay on HTML — no prefetch vs
//   quicklink vs pagepace.
//   Model: precision of the next-page model in a training scenario; module sizes (brotli).
//
// Pages and images come from e2e/fixtures/loading/server.mjs, which counts bytes at the server.
import { brotliCompressSync } from 'node:zlib';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startLoadingServer } from '../e2e/fixtures/loading/server.mjs';
import { median, quantile } from './lib/stats.mjs';

const GALLERY = ['eager', 'native', 'vanilla', 'pagepace', 'pagepace-inline'];
const NAV = ['none', 'quicklink', 'pagepace'];
const LABEL = { eager: 'eager (plain src)', native: 'native loading=lazy on every image', vanilla: 'vanilla-lazyload', pagepace: 'pagepace (script only)', 'pagepace-inline': 'pagepace + inlined first-viewport script', none: 'no prefetch', quicklink: 'quicklink' };
// Throttled like a decent mobile link, so that bytes cost time: 12.8 Mbit/s down, 40 ms RTT.
const NETWORK = { offline: false, latency: 40, downloadThroughput: 1_600_000, uploadThroughput: 750_000 };
const HTML_DELAY = 300;
const GOAL = { bytesRatio: 0.15, navSpeedup: 3, precision: 0.6, brotli: 2560 };

/** Two-sided Mann–Whitney U test (normal approximation with tie correction). */
export function mannWhitney(a, b) {
  const all = [...a.map((v) => [v, 0]), ...b.map((v) => [v, 1])].sort((x, y) => x[0] - y[0]);
  const ranks = new Array(all.length);
  let tie = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1][0] === all[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    const t = j - i + 1;
    tie += t ** 3 - t;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const r1 = all.reduce((s, x, i) => s + (x[1] === 0 ? ranks[i] : 0), 0);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tie / (n * (n - 1))));
  const z = sigma ? (u1 - mu - Math.sign(u1 - mu) * 0.5) / sigma : 0;
  return { u: u1, z, p: Math.min(1, 2 * (1 - phi(Math.abs(z)))) };
}

function phi(x) {
  // Abramowitz–Stegun 7.1.26 for erf.
  const t = 1 / (1 + 0.3275911 * (x / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return 0.5 * (1 + y);
}

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const ms = (x) => `${Math.round(x)} ms`;
const pv = (p) => (p < 0.001 ? '< 0.001' : p.toFixed(3));
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
const lcpOf = (page) => page.evaluate(() => new Promise((resolve) => {
  new PerformanceObserver((l) => resolve(l.getEntries().at(-1).startTime)).observe({ type: 'largest-contentful-paint', buffered: true });
}));

export async function galleryRun(browser, ls, mode) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    ls.reset();
    await page.goto(`${ls.url}/gen/gallery?mode=${mode}`, { waitUntil: 'load' });
    // Quiet for 500 ms: whatever the page wanted before any scroll has arrived.
    let last = -1;
    for (let i = 0; i < 40; i++) {
      const n = ls.requests.length;
      if (n === last) break;
      last = n;
      await page.waitForTimeout(500);
    }
    const lcp = await lcpOf(page);
    const imgs = ls.requests.filter((r) => r.path.startsWith('/img/'));
    return { bytes: imgs.reduce((s, r) => s + r.bytes, 0), images: imgs.length, lcp };
  } finally {
    await context.close();
  }
}

async function navRun(browser, ls, mode) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  try {
    // Cacheable for 5 minutes, so that every mode's prefetch can be reused by the navigation.
    ls.set({ siteDelay: HTML_DELAY, siteMode: mode, siteCache: 'private, max-age=300' });
    ls.reset();
    await page.goto(`${ls.url}/site/home`, { waitUntil: 'load' });
    // Give every mode the same chance: wait until the prefetch of /site/next was fully answered, or 3 s.
    const t0 = Date.now();
    const answered = () => ls.requests.some((r) => r.path === '/site/next' && r.done);
    while (Date.now() - t0 < 3000 && !answered()) await page.waitForTimeout(50);
    const prefetched = answered();
    await page.waitForTimeout(50);
    await page.click('#to-next');
    await page.waitForURL('**/site/next');
    const clickToLcp = await page.evaluate(() => new Promise((resolve) => {
      new PerformanceObserver((l) => resolve(performance.timeOrigin + l.getEntries().at(-1).startTime - Number(sessionStorage.getItem('clickTs'))))
        .observe({ type: 'largest-contentful-paint', buffered: true });
    }));
    const nextRequests = ls.requests.filter((r) => r.path === '/site/next').length;
    return { clickToLcp, prefetched, nextRequests };
  } finally {
    await context.close();
  }
}

/** The next-page model on a simulated user: 5 pages, the usual next page 4 times in 5, else any page. */
async function precision(root) {
  const out = await build({ entryPoints: [join(root, 'src/loading/predict.ts')], bundle: true, format: 'esm', write: false, logLevel: 'error' });
  const { learn, predict } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  const pages = ['/home', '/list', '/item', '/cart', '/pay'];
  const m = {};
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let at = '/home';
  let hits = 0;
  let guesses = 0;
  let navs = 0;
  let covered = 0;
  for (let i = 0; i < 1000; i++) {
    const usual = pages[(pages.indexOf(at) + 1) % pages.length];
    const next = rand() < 0.8 ? usual : pages[Math.floor(rand() * pages.length)];
    const guess = predict(m, at, 0.3, 2);
    guesses += guess.length;
    hits += guess.includes(next) ? 1 : 0;
    navs++;
    covered += guess.includes(next) ? 1 : 0;
    learn(m, at, next);
    at = next;
  }
  return { precision: hits / guesses, recall: covered / navs, guesses, navigations: navs };
}

async function sizes(root) {
  const r = {};
  for (const [name, entry] of [['lazy', 'src/loading/lazy-entry.ts'], ['prefetch', 'src/loading/prefetch-entry.ts']]) {
    for (const idb of [true, false]) {
      const out = await build({ entryPoints: [join(root, entry)], bundle: true, format: 'esm', minify: true, write: false, logLevel: 'error', external: idb ? [] : ['idb-keyval'] });
      r[`${name}${idb ? '' : '-noidb'}`] = brotliCompressSync(out.outputFiles[0].contents).length;
    }
  }
  const both = await build({
    stdin: { contents: "export * from './src/loading/lazy-entry.ts'; export * from './src/loading/prefetch-entry.ts';", resolveDir: root, loader: 'ts' },
    bundle: true, format: 'esm', minify: true, write: false, logLevel: 'error',
  });
  r.both = brotliCompressSync(both.outputFiles[0].contents).length;
  const bothNoIdb = await build({
    stdin: { contents: "export * from './src/loading/lazy-entry.ts'; export * from './src/loading/prefetch-entry.ts';", resolveDir: root, loader: 'ts' },
    bundle: true, format: 'esm', minify: true, write: false, logLevel: 'error', external: ['idb-keyval'],
  });
  r.bothNoIdb = brotliCompressSync(bothNoIdb.outputFiles[0].contents).length;
  const inline = await build({ entryPoints: [join(root, 'src/loading/firstViewport-inline.ts')], bundle: true, format: 'iife', minify: true, write: false, logLevel: 'error', target: 'es2022' });
  r.inline = inline.outputFiles[0].contents.length;
  r.inlineBrotli = brotliCompressSync(inline.outputFiles[0].contents).length;
  return r;
}

export default {
  name: 'loading',
  async run(ctx) {
    const { root, quick, log } = ctx;
    const runs = quick ? 5 : 15;
    const ls = await startLoadingServer();
    const browser = await ctx.browser();
    const gallery = Object.fromEntries(GALLERY.map((m) => [m, []]));
    const nav = Object.fromEntries(NAV.map((m) => [m, []]));
    try {
      for (let i = 0; i < runs; i++) {
        log(`loading: round ${i + 1}/${runs}`);
        // Rotate the order each round so that no mode always runs first.
        for (let k = 0; k < GALLERY.length; k++) {
          const m = GALLERY[(i + k) % GALLERY.length];
          gallery[m].push(await galleryRun(browser, ls, m));
        }
        for (let k = 0; k < NAV.length; k++) {
          const m = NAV[(i + k) % NAV.length];
          nav[m].push(await navRun(browser, ls, m));
        }
      }
    } finally {
      await ls.close();
    }
    const model = await precision(root);
    const size = await sizes(root);

    const med = (xs, k) => median(xs.map((x) => x[k]));
    const iqr = (xs, k) => `${Math.round(quantile(xs.map((x) => x[k]), 0.25))}–${Math.round(quantile(xs.map((x) => x[k]), 0.75))}`;
    const g = Object.fromEntries(GALLERY.map((m) => [m, { bytes: med(gallery[m], 'bytes'), images: med(gallery[m], 'images'), lcp: med(gallery[m], 'lcp') }]));
    const n = Object.fromEntries(NAV.map((m) => [m, { clickToLcp: med(nav[m], 'clickToLcp'), prefetched: nav[m].filter((r) => r.prefetched).length, served: nav[m].filter((r) => r.nextRequests === 1).length }]));
    const vs = (m, other) => mannWhitney(gallery[m].map((r) => r.lcp), gallery[other].map((r) => r.lcp));
    const lcpVsNative = vs('pagepace', 'native');
    const lcpVsEager = vs('pagepace', 'eager');
    const lcpVsVanilla = vs('pagepace', 'vanilla');
    const inlineVsEager = vs('pagepace-inline', 'eager');
    const inlineVsNative = vs('pagepace-inline', 'native');
    const navVsNone = mannWhitney(nav.pagepace.map((r) => r.clickToLcp), nav.none.map((r) => r.clickToLcp));
    const navVsQuick = mannWhitney(nav.pagepace.map((r) => r.clickToLcp), nav.quicklink.map((r) => r.clickToLcp));
    const bytesRatio = g.pagepace.bytes / g.eager.bytes;
    const speedup = n.none.clickToLcp / n.pagepace.clickToLcp;
    const goals = [
      { goal: `bytes before scroll ≤ ${GOAL.bytesRatio * 100}% of eager's`, pass: bytesRatio <= GOAL.bytesRatio, figure: `${(bytesRatio * 100).toFixed(1)}% (${kb(g.pagepace.bytes)} / ${kb(g.eager.bytes)})` },
      ...[['pagepace', lcpVsEager, lcpVsNative], ['pagepace-inline', inlineVsEager, inlineVsNative]].flatMap(([m, e, nat]) => [
        { goal: `LCP not worse than eager — ${LABEL[m]}`, pass: g[m].lcp <= g.eager.lcp || e.p >= 0.05, figure: `${ms(g[m].lcp)} vs ${ms(g.eager.lcp)} (Mann–Whitney p = ${pv(e.p)})` },
        { goal: `LCP significantly better than native lazy (hero lazy too) — ${LABEL[m]}`, pass: g[m].lcp < g.native.lcp && nat.p < 0.05, figure: `${ms(g[m].lcp)} vs ${ms(g.native.lcp)} (p = ${pv(nat.p)})` },
      ]),
      { goal: `click-to-LCP on a prefetched link ≥ ${GOAL.navSpeedup}× faster than no prefetch`, pass: speedup >= GOAL.navSpeedup && navVsNone.p < 0.05, figure: `${speedup.toFixed(2)}× (${ms(n.pagepace.clickToLcp)} vs ${ms(n.none.clickToLcp)}, p = ${pv(navVsNone.p)})` },
      { goal: `next-page model precision ≥ ${GOAL.precision * 100}% (training scenario)`, pass: model.precision >= GOAL.precision, figure: `${(model.precision * 100).toFixed(1)}% (recall ${(model.recall * 100).toFixed(1)}%)` },
      { goal: 'both modules together ≤ 2.5 KB brotli', pass: size.both <= GOAL.brotli, figure: `${size.both} B (${size.bothNoIdb} B without idb-keyval, which the beacon outbox already ships)` },
    ];
    const markdown = [
      `Chromium, fresh context per run, ${runs} runs per mode, modes interleaved (order rotated each round). Gallery network emulated by CDP: ${NETWORK.downloadThroughput * 8 / 1e6} Mbit/s down, ${NETWORK.latency} ms RTT, cache disabled; 1280×720 viewport.`,
      'Bytes are counted at the server (image bodies). Medians; IQR in brackets; p from a two-sided Mann–Whitney U test.',
      '',
      '### Gallery (hero 1280×480, 60 KB; 60 images 400×300, 30 KB each, three columns)',
      '',
      '| mode | images before scroll | bytes before scroll | × eager | LCP |',
      '|---|---:|---:|---:|---:|',
      ...GALLERY.map((m) => `| ${LABEL[m]} | ${g[m].images} | ${kb(g[m].bytes)} | ${(g[m].bytes / g.eager.bytes * 100).toFixed(1)}% | ${ms(g[m].lcp)} [${iqr(gallery[m], 'lcp')}] |`),
      '',
      `LCP pagepace (script only) vs eager p = ${pv(lcpVsEager.p)}; vs native lazy p = ${pv(lcpVsNative.p)}; vs vanilla-lazyload p = ${pv(lcpVsVanilla.p)}.`,
      `LCP pagepace + inlined first-viewport script vs eager p = ${pv(inlineVsEager.p)}; vs native lazy p = ${pv(inlineVsNative.p)}.`,
      `Both pagepace modes load \`pagepace/lazy\` as a module script (with \`modulepreload\`). The second also inlines \`dist/pagepace.first-viewport.js\` (${size.inline} B, ${size.inlineBrotli} B brotli) at the end of <body>, as the README recommends when the LCP element is lazy: the hero then starts while the HTML is parsed instead of one round trip later.`,
      '',
      `### Navigation (${HTML_DELAY} ms server delay on every HTML page, served with \`Cache-Control: private, max-age=300\`; no network emulation)`,
      '',
      '| mode | click → next page LCP | next page prefetched before the click | next page fetched once only |',
      '|---|---:|---:|---:|',
      ...NAV.map((m) => `| ${m === 'pagepace' ? 'pagepace' : LABEL[m]} | ${ms(n[m].clickToLcp)} [${iqr(nav[m], 'clickToLcp')}] | ${n[m].prefetched}/${runs} | ${n[m].served}/${runs} |`),
      '',
      `pagepace vs no prefetch p = ${pv(navVsNone.p)}; vs quicklink p = ${pv(navVsQuick.p)}.`,
      '',
      '### Model and size',
      '',
      `Next-page model on a simulated user (5 pages; the usual next page 4 times in 5, any page otherwise; ${model.navigations} navigations; threshold 0.3, top 2): precision ${(model.precision * 100).toFixed(1)}%, recall ${(model.recall * 100).toFixed(1)}%.`,
      '',
      `Brotli (esbuild-minified ESM): lazy ${size.lazy} B, prefetch ${size.prefetch} B, both ${size.both} B; without idb-keyval: lazy ${size['lazy-noidb']} B, prefetch ${size['prefetch-noidb']} B, both ${size.bothNoIdb} B.`,
      '',
      '### Goals',
      '',
      '| goal | verdict | figure |',
      '|---|---|---|',
      ...goals.map((x) => `| ${x.goal} | ${verdict(x.pass)} | ${x.figure} |`),
    ].join('\n');
    return { markdown, json: { runs, network: NETWORK, htmlDelay: HTML_DELAY, gallery, nav, summary: { gallery: g, nav: n }, tests: { lcpVsNative, lcpVsEager, lcpVsVanilla, inlineVsEager, inlineVsNative, navVsNone, navVsQuick }, model, size, goals } };
  },
};
