// pagepace's overhead in Firefox: the same page as the overhead bench (/fixtures/overhead.html,
// with and without ?pp=1), in Firefox ESR over WebDriver BiDi (puppeteer-core), runs interleaved,
// compared with the kit's Mann–Whitney test.
//
// Firefox has no Long Tasks API (and no LoAF, no layout-shift), and BiDi has no CPU throttling,
// so the main thread is measured from inside the page: a probe injected before any page script
// runs a setTimeout(0) heartbeat and counts every gap between two beats longer than 50 ms as a
// long task. The heartbeat sees any gap (the page's own work, pagepace's, the browser's, another
// process taking the core): only the comparison with and without pagepace says anything.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENGINES, missing } from '../e2e/engines/drivers.mjs';

export const name = 'overhead-firefox';

/** Gaps longer than this are long tasks, as the Long Tasks API counts them. */
const LONG = 50;
/** After the first idle callback past the load event, this much more time before the click, so post-load work lands in the window. */
const SETTLE_MS = 500;

/** Runs in the page before its own scripts (source text: evaluateOnNewDocument). */
function heartbeat(LONG) {
  const m = (window.__ppff = { vitals: {}, gaps: [], beats: 0, start: performance.now(), idleAfterLoad: undefined });
  m.last = m.start;
  const beat = () => {
    const t = performance.now();
    if (t - m.last > LONG) m.gaps.push([m.last, t - m.last]);
    m.last = t;
    m.beats++;
    setTimeout(beat, 0);
  };
  setTimeout(beat, 0);
  // Load + idle: the first idle callback after the load event (this listener is the page's first).
  addEventListener('load', () => requestIdleCallback(() => { m.idleAfterLoad = performance.now(); }), { once: true });
  /* global webVitals */
  const wv = typeof webVitals !== 'undefined' ? webVitals : window.webVitals;
  if (wv) {
    for (const f of ['onLCP', 'onFCP', 'onTTFB']) wv[f]((x) => { m.vitals[x.name] = x.value; }, { reportAllChanges: true });
    // 16 ms, Event Timing's smallest threshold: unthrottled, the click may stay under web-vitals' default 40.
    wv.onINP((x) => { m.vitals.INP = x.value; }, { reportAllChanges: true, durationThreshold: 16 });
  }
}

/** Runs in the page at the end: every figure, from the heartbeat, web-vitals and navigation timing. */
function collect() {
  const m = window.__ppff;
  const now = performance.now();
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = m.vitals.FCP ?? performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
  // The gap still open when collecting counts too.
  const gaps = now - m.last > 50 ? [...m.gaps, [m.last, now - m.last]] : m.gaps.slice();
  const metrics = { ...m.vitals };
  metrics.longTasks = gaps.length;
  metrics.longTaskMs = gaps.reduce((s, [, d]) => s + d, 0);
  // Total blocking time as Lighthouse counts it: the part of each long task past 50 ms, from FCP on.
  metrics.TBT = gaps.filter(([start]) => start >= fcp).reduce((s, [, d]) => s + Math.max(0, d - 50), 0);
  metrics.blockedMs = gaps.reduce((s, [, d]) => s + Math.max(0, d - 50), 0);
  metrics.maxGapMs = Math.max(0, ...gaps.map(([, d]) => d));
  metrics.beatsPerSecond = (m.beats / (now - m.start)) * 1000;
  if (nav) metrics.loadMs = nav.loadEventEnd;
  if (m.idleAfterLoad !== undefined) metrics.idleAfterLoadMs = m.idleAfterLoad;
  const resources = performance.getEntriesByType('resource');
  metrics.transferBytes = resources.reduce((s, r) => s + r.transferSize, nav?.transferSize ?? 0);
  return { metrics, pagepace: Boolean(window.PagePace) };
}

export async function run({ root, quick, log }) {
  if (missing('firefox')) return { markdown: 'skipped: firefox-esr not installed', json: { skipped: missing('firefox') } };
  const { compare, median } = await import(pathToFileURL(join(root, 'dist', 'playwright.js')).href);
  const { startDemoServer } = await import(pathToFileURL(join(root, 'demo', 'server.js')).href);
  const { default: puppeteer } = await import('puppeteer-core');
  const require = createRequire(join(root, 'package.json'));
  const vitalsFile = join(dirname(require.resolve('web-vitals')), 'web-vitals.iife.js');
  if (!existsSync(vitalsFile)) throw new Error(`${vitalsFile} not found`);
  const probe = `${readFileSync(vitalsFile, 'utf8')}\n;(${heartbeat})(${LONG});`;

  const demo = await startDemoServer({ fixtures: true, quiet: true });
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: ENGINES.firefox.bin, headless: true });
  const version = (await browser.version()).replace(/^firefox\//i, 'Firefox ');
  const runs = quick ? 6 : 20;
  const at = new Date().toISOString();
  const without = { url: `${demo.url}/fixtures/overhead.html`, profile: 'none', at, runs: [] };
  const withPp = { url: `${demo.url}/fixtures/overhead.html?pp=1`, profile: 'none', at, runs: [] };

  /** One run in a fresh browser context (BiDi user context: no cache, no storage). */
  const once = async (url, expectPagepace) => {
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      await page.evaluateOnNewDocument(probe);
      await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
      await page.waitForFunction(() => window.__ppff?.idleAfterLoad !== undefined, { timeout: 10_000, polling: 50 });
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      await page.click('#work');
      // Let the click's frame be presented (its Event Timing entry), then hide the page, as
      // measure() does, so LCP and INP are final and pagepace flushes; its flush counts too.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
        return new Promise((r) => setTimeout(r, 200));
      });
      const r = await page.evaluate(collect);
      if (r.pagepace !== expectPagepace) throw new Error(`${url}: PagePace ${r.pagepace ? 'present' : 'absent'}, expected ${expectPagepace ? 'present' : 'absent'}`);
      return { metrics: r.metrics };
    } finally {
      await context.close();
    }
  };

  try {
    // One discarded pair first: the browser's first page in a new profile is slower.
    await once(without.url, false);
    await once(withPp.url, true);
    // Interleaved one run at a time, alternating which side goes first, so drift in the
    // machine's load (2 cores, shared) and any order effect hit both sides alike.
    for (let i = 0; i < runs; i++) {
      const pair = i % 2 === 0 ? [[without, false], [withPp, true]] : [[withPp, true], [without, false]];
      for (const [side, pp] of pair) side.runs.push({ run: i, ...(await once(side.url, pp)) });
      if (i % 5 === 4) log(`overhead-firefox: ${i + 1}/${runs} pairs`);
    }
  } finally {
    await browser.close();
    await demo.close();
  }

  const metrics = ['TBT', 'longTasks', 'longTaskMs', 'blockedMs', 'maxGapMs', 'LCP', 'INP', 'FCP', 'loadMs', 'idleAfterLoadMs', 'transferBytes'];
  // Uncorrected: this bench looks for any cost of pagepace's, so each metric is held to p < 0.05
  // alone (correcting for the number of metrics would make a cost harder to find, not the test fairer).
  const c = compare(without, withPp, { metrics, correction: 'none' });
  const med = (r, m) => median(r.runs.map((x) => x.metrics[m]).filter((v) => typeof v === 'number'));
  const fmt = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–');
  const row = (m) => `| ${m.metric} | ${fmt(m.baseline.median)} | ${fmt(m.current.median)} | ${m.baseline.n}/${m.current.n} | ${Number.isFinite(m.p) ? m.p.toFixed(3) : '–'} | ${Number.isFinite(m.delta) ? m.delta.toFixed(2) : '–'} (${m.effect}) | ${m.verdict} |`;
  const sig = (n) => c.metrics.find((m) => m.metric === n)?.verdict ?? 'not measured';
  const goals = [
    ['no significant difference in main-thread blocked time in Firefox (TBT and blocked time, heartbeat)', sig('TBT') !== 'regression' && sig('blockedMs') !== 'regression', `TBT ${sig('TBT')}, blocked time ${sig('blockedMs')}`],
    ['no significant difference in long tasks in Firefox (count and total, heartbeat)', sig('longTasks') !== 'regression' && sig('longTaskMs') !== 'regression', `count ${sig('longTasks')}, total ${sig('longTaskMs')}`],
  ];
  const beats = (r) => med(r, 'beatsPerSecond');
  const markdown = [
    `${version} (headless, WebDriver BiDi through puppeteer-core), no CPU throttling (BiDi has none). The same page as the overhead bench (\`/fixtures/overhead.html\` with and without \`?pp=1\`). ${runs} runs each side after one discarded pair, interleaved one run at a time (which side goes first alternates), fresh browser context per run, one click on \`#work\` per run. Medians; n = runs that produced the metric (without/with); p from a two-sided Mann–Whitney U test; Cliff's delta of with vs without (positive = larger with pagepace); verdict as \`compare\` gives it (p < 0.05, |delta| ≥ 0.147 and a change of the median ≥ 10%).`,
    '',
    `How the main thread is measured: Firefox has no Long Tasks API, so a probe injected before any page script (\`evaluateOnNewDocument\`) runs a \`setTimeout(0)\` heartbeat (Firefox clamps it to 4 ms after 5 nested calls; median ${fmt(beats(without))} / ${fmt(beats(withPp))} beats a second without / with) and records every gap between two beats longer than ${LONG} ms as a long task: \`longTasks\` counts them, \`longTaskMs\` sums them, \`blockedMs\` sums their part past 50 ms, \`TBT\` the same from FCP on, \`maxGapMs\` is the longest (0 when none passed 50 ms). A gap is any time the main thread did not get back to the timer: the page's own work, pagepace's, the browser's, or the core taken by another process, all together, and a timer deferred by the engine counts as a gap too; hence only the difference with vs without means anything. Unlike a busy MessageChannel loop, the heartbeat leaves the thread idle between beats, so idle callbacks (which pagepace uses) still run. The window runs from document creation to ${SETTLE_MS} ms after the first idle callback past the load event, the click, two frames, and 200 ms after a faked \`visibilitychange\` to hidden (pagepace's flush is inside it). \`loadMs\` is the navigation's loadEventEnd; \`idleAfterLoadMs\` the first idle callback after the load event; LCP, FCP and INP from web-vitals (INP with Event Timing's 16 ms threshold; Firefox rounds event durations to 8 ms).`,
    '',
    '| metric | without pagepace | with pagepace | n | p | Cliff\'s delta | verdict |', '|---|---:|---:|---:|---:|---:|---|',
    ...c.metrics.map(row),
    '', ...goals.map(([g, ok, v]) => `- **${ok ? 'PASS' : 'MISS'}** ${g}: ${v}`),
  ].join('\n');
  return { markdown, json: { runs, firefox: version, comparison: c, goals, without, with: withPp } };
}
