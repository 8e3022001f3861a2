import type { Page } from '@playwright/test';
import { startDemoServer } from '../demo/server.js';
import type { Batch, PerfEvent } from '../src/core/types';
import { grade, overallGrade, rate, THRESHOLDS } from '../src/vitals/grade';
import type { Grade } from '../src/vitals/grade';
import { expect, test } from './fixtures';
import type { Demo } from './fixtures';

test('the dashboard shows a metric that another page just sent', async ({ context }) => {
  const dashboard = await context.newPage();
  await dashboard.goto('/');
  await expect(dashboard.locator('#status')).toContainText('live');

  const app = await context.newPage();
  await app.goto('/fixtures/api.html');
  await app.evaluate(async () => {
    const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false });
    pace.track('dashboard:probe', 4321);
    await pace.flush();
  });
  await expect(dashboard.locator('#feed li[data-name="dashboard:probe"]')).toContainText('custom dashboard:probe = 4321');
  await expect(dashboard.locator('#metrics tr[data-metric="dashboard:probe"]')).toContainText('4321');

  // And a real vital, with its rating, in the scorecard and the routes table.
  await app.goto('/vitals.html');
  await app.click('#work');
  await app.goto('/fixtures/blank.html');
  const lcpCard = dashboard.locator('.card[data-vital="LCP"] .value');
  await expect(lcpCard).toHaveText(/^\d+ ms$/);
  await expect(lcpCard).toHaveClass(/good|needs-improvement|poor/);
  await expect(dashboard.locator('#routes tbody')).toContainText('/vitals.html');
});

test('after traffic from several pages, the scorecard, charts and panels show the figures of that traffic', async ({ page, context, request }, testInfo) => {
  test.setTimeout(120_000);
  // A server of its own: the shared one holds other tests' traffic, and every figure here is exact.
  const own = (await startDemoServer({ fixtures: true, quiet: true })) as unknown as Demo;
  try {
    // 1. Crafted traffic with known values: 10,000 vitals (with reports replaced) and running counters.
    const crafted = craftTraffic(Date.now());
    let jsonBytes = 0;
    for (const batch of crafted.batches) {
      const body = JSON.stringify(batch);
      jsonBytes += Buffer.byteLength(body);
      const res = await request.post(`${own.url}/collect`, { data: body, headers: { 'Content-Type': 'application/json' } });
      expect(res.status()).toBe(204);
    }
    const events = crafted.batches.reduce((n, b) => n + b.events.length, 0);
    const t0 = Date.now();
    await page.goto(`${own.url}/`);
    await expect(page.locator('.card[data-vital="LCP"] .value')).toHaveText(/ms$/);
    const firstRenderMs = Date.now() - t0;
    await expect(page.locator('#status')).toHaveText(`live · ${events.toLocaleString('en-US')} events from ${crafted.sessions} sessions`);
    for (const name of VITALS) await expect(page.locator(`[data-chart="${name}"] canvas`)).toBeVisible();

    await expect(page.locator('#overall')).toHaveText(await expectVitals(page, crafted.batches));
    // What pagepace did, and the cache tiers: sums of the latest report per page or per session.
    const t = (k: string) => crafted.totals[k] ?? 0;
    const part = (k: string) => page.locator(`#parts dd[data-part="${k}"], #tier-more dd[data-part="${k}"]`);
    await expect(part('bytes on the wire: JSON')).toHaveText(`${kb(jsonBytes)} in ${crafted.batches.length} batches`);
    await expect(part('events sent / dropped / retried')).toHaveText(`${t('sent')} / ${t('dropped')} / ${t('retried')}`);
    await expect(part('lazy: loaded (eager) / deferred / never needed')).toHaveText(`${t('lazy.loaded')} (${t('lazy.eager')}) / ${t('lazy.deferred')} / ${t('lazy.neverNeeded')}`);
    await expect(part('lazy: bytes not downloaded / errors')).toHaveText(`${kb(t('lazy.bytesSaved'))} / ${t('lazy.errors')}`);
    await expect(part('prefetch: prefetched / used')).toHaveText(`${t('prefetch.page')} / ${t('prefetch.used')}`);
    await expect(part('prefetch: bytes / wasted')).toHaveText(`${kb(t('prefetch.bytes'))} / ${kb(t('prefetch.wastedBytes'))}`);
    for (const tier of ['l1', 'l2', 'network'] as const) {
      const row = page.locator(`#tiers tr[data-tier="${tier}"]`);
      const hits = t(`sw.${tier}Hits`);
      const lookups = hits + t(`sw.${tier}Misses`);
      await expect(row.locator('[data-col="rate"]')).toHaveText(`${Math.round((100 * hits) / lookups)}% (${hits}/${lookups})`);
      // Per client: the median over sessions of their latest p50 latency of hits, and of their bytes stored.
      await expect(row.locator('[data-col="p50"]')).toHaveText(ms(exactQuantile(crafted.perClient[`sw.${tier}P50`]!, 0.5)));
      await expect(row.locator('[data-col="stored"]')).toHaveText(tier === 'network' ? '–' : kb(exactQuantile(crafted.perClient[`sw.${tier}Bytes`]!, 0.5)));
      await expect(row.locator('[data-col="stored-all"]')).toHaveText(tier === 'network' ? '–' : kb(t(`sw.${tier}Bytes`)));
    }
    await expect(part('evictions')).toHaveText(String(t('sw.evictions')));
    await expect(part('L2 entries')).toHaveText(String(t('sw.l2Entries')));
    await expect(part('revalidated, 304')).toHaveText(String(t('sw.notModified')));

    // 2. Real pages, each visited and left so their vitals and counters arrive, while the dashboard is open.
    const app = await context.newPage();
    for (const path of ['/vitals.html', '/fixtures/npm-app.html', '/vitals.html?second']) {
      await app.goto(`${own.url}${path}`);
      await app.click('#work');
      await app.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
      await app.goto(`${own.url}/fixtures/blank.html`);
    }
    const received = () => own.store.list().map((x) => x.batch);
    const real = () => received().filter((b) => !b.sessionId.startsWith('load-') && !b.sessionId.startsWith('events-'));
    await expect.poll(() => real().flatMap((b) => b.events).filter((e) => e.name === 'LCP').length, { message: 'the real pages sent their LCP' }).toBeGreaterThanOrEqual(3);
    // The dashboard updates live; its figures are now those of the crafted and the real traffic together.
    await expect(async () => {
      await expect(page.locator('#status')).toContainText(`${received().reduce((n, b) => n + b.events.length, 0).toLocaleString('en-US')} events`, { timeout: 1500 });
      await expect(page.locator('#overall')).toHaveText(await expectVitals(page, [...crafted.batches, ...real()]), { timeout: 1500 });
    }).toPass({ timeout: 20_000 });
    await expect(page.locator('#routes tr[data-route="/vitals.html"]')).toBeVisible();
    await expect(page.locator('#routes tr[data-route="/fixtures/npm-app.html"]')).toBeVisible();

    const shot = testInfo.outputPath('dashboard.png');
    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('dashboard', { path: shot, contentType: 'image/png' });
    await page.setViewportSize({ width: 390, height: 844 });
    const phone = testInfo.outputPath('dashboard-phone.png');
    await page.screenshot({ path: phone, fullPage: true });
    await testInfo.attach('dashboard-phone', { path: phone, contentType: 'image/png' });
    // Phone width: nothing wider than the screen except the scrollable tables.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    console.log(`dashboard: first render with ${events} events took ${firstRenderMs} ms`);
  } finally {
    await own.close();
  }
});

test('a batch whose every shown field is hostile (page `http://[`, prototype names, markup) leaves the dashboard live and escaped', async ({ page, request }) => {
  const own = (await startDemoServer({ quiet: true })) as unknown as Demo;
  try {
    await page.goto(`${own.url}/`);
    await expect(page.locator('#status')).toContainText('live');
    const xss = '<img src=x onerror="window.__pwned=1">';
    const hostile = { v: 1, batchId: 'hostile-1', sessionId: `s${xss}`, page: 'http://[', sentAt: Date.now(), events: <Array<Record<string, unknown>>>[
      ...['constructor', '__proto__', 'toString', xss].map((name) => ({ kind: 'custom', name, value: 5, ts: Date.now() })),
      { kind: xss, name: 'LCP', value: 3000, unit: '<b>ms', ts: Date.now(), id: 'v5-h', attrs: {
        route: xss, 'attribution.target': xss, 'attribution.url': 'http://[', 'attribution.timeToFirstByte': 100, 'attribution.resourceLoadDelay': 100, 'attribution.resourceLoadDuration': 100, 'attribution.elementRenderDelay': 2700, viewport: xss, effectiveType: '__proto__',
      } },
      { kind: 'vital', name: 'LCP', value: 3000, unit: 'ms', ts: Date.now(), id: 'v5-h2', attrs: { route: xss, 'attribution.target': xss, 'attribution.timeToFirstByte': 100, 'attribution.resourceLoadDelay': 100, 'attribution.resourceLoadDuration': 100, 'attribution.elementRenderDelay': 2700, viewport: xss, effectiveType: '__proto__' } },
      { kind: 'pagepace', name: 'stats', value: 1, ts: Date.now(), attrs: { constructor: 1, __proto__x: 2, [xss]: 3 } },
    ] };
    const res = await request.post(`${own.url}/collect`, { data: JSON.stringify(hostile), headers: { 'Content-Type': 'application/json' } });
    expect(res.status()).toBe(204);
    // The feed and the sessions keep updating: a later, ordinary batch shows too.
    await expect(page.locator('#feed li[data-name="toString"]')).toContainText('custom toString = 5');
    await expect(page.locator('#feed li').first()).toContainText('http://[');
    await expect(page.locator('#sessions')).toContainText('1 page · 7 events');
    await page.locator('#sessions summary').first().click();
    await expect(page.locator('#sessions .ev').first()).toHaveText('http://[');
    await expect(page.locator('#metrics tr[data-metric="constructor"]')).toContainText('5');
    await expect(page.locator('[data-blame="LCP-element"] tbody tr').first()).toContainText(xss);
    await expect(page.locator('#routes tbody')).toContainText(xss);
    await request.post(`${own.url}/collect`, { data: JSON.stringify({ ...hostile, batchId: 'after', sessionId: 'after', page: `${own.url}/ok`, events: [{ kind: 'custom', name: 'after:hostile', value: 1, ts: Date.now() }] }), headers: { 'Content-Type': 'application/json' } });
    await expect(page.locator('#feed li[data-name="after:hostile"]')).toContainText('/ok');
    await expect(page.locator('[data-error]')).toHaveCount(0);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  } finally {
    await own.close();
  }
});

test('what to fix: the p75 of each breakdown part as a stacked bar, culprits ranked by the slow tail, splits, and the sessions behind a row', async ({ page, request }) => {
  const own = (await startDemoServer({ quiet: true })) as unknown as Demo;
  try {
    const lcp = (id: string, value: number, target: string, parts: number[], viewport: string) => ({ kind: 'vital', name: 'LCP', value, unit: 'ms', ts: Date.now(), id, attrs: {
      route: '/shop', 'attribution.timeToFirstByte': parts[0], 'attribution.resourceLoadDelay': parts[1], 'attribution.resourceLoadDuration': parts[2], 'attribution.elementRenderDelay': parts[3], 'attribution.target': target, viewport, effectiveType: '4g' } });
    const inp = (id: string, value: number, target: string, parts: number[]) => ({ kind: 'vital', name: 'INP', value, unit: 'ms', ts: Date.now(), id, attrs: {
      route: '/shop', 'attribution.inputDelay': parts[0], 'attribution.processingDuration': parts[1], 'attribution.presentationDelay': parts[2], 'attribution.interactionTarget': target, 'attribution.longestScript.sourceURL': 'http://127.0.0.1/js/cart.js' } });
    const send = (sessionId: string, events: object[]) => request.post(`${own.url}/collect`, { data: JSON.stringify({ v: 1, batchId: `${sessionId}-${Math.random()}`, sessionId, page: 'http://127.0.0.1/shop', sentAt: Date.now(), events }), headers: { 'Content-Type': 'application/json' } });
    for (let i = 0; i < 3; i++) await send(`fast-${i}`, [lcp('l', 1000, 'main>img.small', [100, 200, 300, 400], 'desktop'), inp('i', 80, 'button#menu', [10, 40, 30])]);
    await send('slow-1', [lcp('l', 6000, 'main>img#hero', [400, 600, 2000, 3000], 'mobile'), inp('i', 600, 'button#add', [50, 500, 50])]);
    await page.goto(`${own.url}/`);
    const bar = page.locator('[data-breakdown="LCP"]');
    await expect(bar.locator('span')).toHaveCount(4);
    // p75 of four values is the third smallest (nearest rank): 100,100,100,400 → 100 etc.
    const legend = page.locator('[data-why="LCP"] .legend');
    await expect(legend.locator('[data-part="timeToFirstByte"] b')).toHaveText('100 ms');
    await expect(legend.locator('[data-part="resourceLoadDuration"] b')).toHaveText('300 ms');
    await expect(legend.locator('[data-part="elementRenderDelay"] b')).toHaveText('400 ms');
    await expect(page.locator('[data-why="INP"] .legend [data-part="processingDuration"] b')).toHaveText('40 ms');
    const widths = await bar.locator('span').evaluateAll((els) => els.map((e) => parseFloat((e as HTMLElement).style.width)));
    expect(widths.map(Math.round)).toEqual([10, 20, 30, 40]);
    // The hero explains the whole slow tail; its row opens the session behind it.
    const first = page.locator('[data-blame="LCP-element"] tbody tr').first();
    await expect(first.locator('td').first()).toHaveText('main>img#hero');
    await expect(first.locator('[data-col="share"]')).toHaveText('100.0%');
    await expect(page.locator('[data-blame="INP-script"] tbody tr').first()).toContainText('cart.js');
    await expect(page.locator('[data-split="device"] tr[data-class="mobile"] td[data-vital="LCP"]')).toHaveText('6000 ms');
    await expect(page.locator('[data-split="device"] tr[data-class="desktop"] td[data-vital="LCP"]')).toHaveText('1000 ms');
    await first.click();
    await expect(page.locator('#behind')).toBeVisible();
    await expect(page.locator('#behind li[data-session="slow-1"]')).toContainText('2 events');
    await page.locator('#routes tr[data-route="/shop"]').click();
    await expect(page.locator('#behind li')).toHaveCount(4);
  } finally {
    await own.close();
  }
});

// ---- Exact figures from the traffic a test sends: its own arithmetic, the library's documented grading. ----

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
type Sent = Pick<Batch, 'sessionId' | 'page' | 'events'>;

/** Nearest-rank percentile of exact values (the definition the sketch approximates). */
function exactQuantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** The vitals the field view must count: only the latest report per (session, id). */
function vitalsOf(batches: Sent[]) {
  const latest = new Map<string, { name: string; value: number; ts: number; route: string }>();
  let anonymous = 0;
  for (const b of batches) {
    for (const e of b.events) {
      if (!(VITALS as readonly string[]).includes(e.name) || ['pagepace', 'lazy', 'prefetch', 'sw', 'resource', 'route'].includes(e.kind)) continue;
      const key = e.kind === 'vital' && e.id ? `${b.sessionId} ${e.id}` : `#${anonymous++}`;
      latest.delete(key);
      latest.set(key, { name: e.name, value: e.value, ts: e.ts, route: typeof e.attrs?.route === 'string' ? e.attrs.route : new URL(b.page).pathname });
    }
  }
  const all = [...latest.values()];
  return { of: (name: string, route?: string) => all.filter((v) => v.name === name && (route === undefined || v.route === route)), routes: [...new Set(all.map((v) => v.route))] };
}

const fmtVital = (name: string, v: number) => (name === 'CLS' ? v.toFixed(3) : `${Math.round(v)} ms`);
const kb = (n: number) => (n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`);
const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;

/** A rendered percentile: exact up to 32 values, past that the sketch's estimate within its 0.5 % bound (then rounded). */
function expectPercentile(text: string | null, name: string, values: number[]) {
  const exact = exactQuantile(values, 0.75);
  if (values.length <= 32) return expect(text).toBe(fmtVital(name, exact));
  expect(text).toMatch(name === 'CLS' ? /^\d\.\d{3}$/ : /^\d+ ms$/);
  expect(Math.abs(parseFloat(text!) - exact), `${name} ${text} vs exact p75 ${exact}`).toBeLessThanOrEqual(0.005 * exact + (name === 'CLS' ? 0.0005 : 0.5));
}

/** Checks the scorecard, rating shares, charts and routes against the traffic sent; returns the overall grade expected. */
async function expectVitals(page: Page, sent: Sent[]): Promise<string> {
  const v = vitalsOf(sent);
  const grades: Grade[] = [];
  for (const name of VITALS) {
    const t = THRESHOLDS[name]!;
    const values = v.of(name).map((x) => x.value);
    const p75 = exactQuantile(values, 0.75);
    const card = page.locator(`.card[data-vital="${name}"]`);
    await expect(card.locator('.meta')).toContainText(`n=${values.length}`, { timeout: 1500 });
    expectPercentile(await card.locator('.value').textContent(), name, values);
    grades.push(grade(p75, t));
    await expect(card.locator('[data-grade]')).toHaveText(grade(p75, t));
    await expect(card.locator('[data-rating]')).toHaveText(rate(p75, t));
    // Shares: every value rated against the thresholds that grade the p75, never by the rating it was sent with.
    for (const band of ['good', 'needs-improvement', 'poor'] as const) {
      const share = ((100 * values.filter((x) => rate(x, t) === band).length) / values.length).toFixed(1);
      await expect(card.locator(`[data-share="${band}"]`)).toHaveText(`${share}%`);
    }
    // The chart: one point per 5 s window that holds a value; the latest window's p75 and n in its caption.
    const windows = new Map<number, number[]>();
    for (const x of v.of(name)) windows.set(Math.floor(x.ts / 5000), [...(windows.get(Math.floor(x.ts / 5000)) ?? []), x.value]);
    const chart = page.locator(`[data-chart="${name}"]`);
    await expect(chart).toHaveAttribute('data-windows', String(windows.size));
    const lastWindow = windows.get(Math.max(...windows.keys()))!;
    const [, p75Text, n] = (await chart.locator('[data-latest]').textContent())!.match(/^latest 5 s: p75 (.+) · n=(\d+)$/)!;
    expect(Number(n)).toBe(lastWindow.length);
    expectPercentile(p75Text!, name, lastWindow);
  }
  // Routes: p75 per route, and n (the most values of any vital there).
  for (const route of v.routes) {
    const row = page.locator(`#routes tr[data-route="${route}"]`);
    await expect(row.locator('td').nth(1)).toHaveText(String(Math.max(...VITALS.map((name) => v.of(name, route).length))));
    for (const name of VITALS) {
      const values = v.of(name, route).map((x) => x.value);
      const cell = row.locator(`td[data-vital="${name}"]`);
      if (values.length) expectPercentile(await cell.textContent(), name, values);
      else await expect(cell).toHaveText('–');
    }
  }
  return overallGrade(grades)!;
}

/**
 * Traffic with known values. 200 batches of 50 vitals from 20 sessions on three routes (and a few
 * on /checkout): values spread over the good, needs-improvement and poor bands, all sent with
 * rating "good" (the dashboard must rate them itself), and the last five of each batch report
 * again, with new values, ids of the same session's batch 20 before. Then running counters:
 * each `load-` session sends its `pagepace`/`stats` twice (the second supersedes the first),
 * five `events-` sessions send `lazy`, `prefetch`, `prefetch.hit` and `sw` events instead.
 */
function craftTraffic(now: number) {
  const batches: Batch[] = [];
  const routeOf = (b: number, i: number) => (i < 5 && b % 25 === 0 ? '/checkout' : ['/shop', '/search', '/cart'][b % 3]!);
  // Deterministic spread in [0, 1) (Knuth's multiplicative hash).
  const spread = (k: number) => ((k * 2654435761) % 4294967296) / 4294967296;
  const valueOf: Record<string, (f: number) => number> = {
    LCP: (f) => Math.round(400 + 4600 * f),
    INP: (f) => Math.round(16 + 400 * f),
    CLS: (f) => Math.round(20 * f) / 100,
    FCP: (f) => Math.round(200 + 1800 * f),
    TTFB: (f) => Math.round(30 + 700 * f),
  };
  let k = 1;
  for (let b = 0; b < 200; b++) {
    const events: PerfEvent[] = Array.from({ length: 50 }, (_, i) => {
      const name = VITALS[i % 5]!;
      const again = b >= 20 && i >= 45;
      const [ib, ii] = again ? [b - 20, i - 5] : [b, i];
      return { kind: 'vital', name, value: valueOf[name]!(spread(k++)), ...(name === 'CLS' ? {} : { unit: 'ms' }), rating: 'good', ts: now - (200 - b) * 100, id: `v5-${ib}-${ii}`, attrs: { route: routeOf(ib, ii) } };
    });
    batches.push({ v: 1, batchId: `load-${b}`, sessionId: `load-s${b % 20}`, page: 'http://127.0.0.1/shop', sentAt: now, events });
  }

  const totals: Record<string, number> = {};
  const perClient: Record<string, number[]> = {};
  const client = (rec: Record<string, number>) => Object.entries(rec).forEach(([key, n]) => (perClient[key] ??= []).push(n));
  const add = (rec: Record<string, number>) => Object.entries(rec).forEach(([key, n]) => (totals[key] = (totals[key] ?? 0) + n));
  for (let j = 0; j < 20; j++) {
    const sw: Record<string, number> = j < 16 ? {
      'sw.l1Hits': 40 + j, 'sw.l1Misses': 10, 'sw.l2Hits': 6 + (j % 3), 'sw.l2Misses': 4, 'sw.networkHits': 4 + (j % 2), 'sw.networkMisses': j % 5 ? 0 : 1,
      'sw.l1Bytes': 200_000 + 1000 * j, 'sw.l2Bytes': 3_000_000, 'sw.l2Entries': 120, 'sw.evictions': j % 3, 'sw.quotaErrors': 0, 'sw.notModified': j % 4,
    } : {};
    const latency: Record<string, number> = j < 16 ? { 'sw.l1P50': 0.1 * (1 + (j % 5)), 'sw.l2P50': 2 + (j % 7), 'sw.networkP50': 40 + 5 * j } : {};
    const last: Record<string, number> = {
      sent: 100 + j, dropped: j % 3, retried: j % 2,
      'lazy.loaded': 6, 'lazy.eager': 2, 'lazy.deferred': 4, 'lazy.neverNeeded': j % 4, 'lazy.errors': j ? 0 : 1, 'lazy.bytesSaved': 2048 * (j % 4),
      'prefetch.page': 2, 'prefetch.prefetched': 2, 'prefetch.hits': j % 2, 'prefetch.bytes': 30_000, 'prefetch.wastedBytes': j % 2 ? 15_000 : 30_000,
      ...sw,
    };
    const first = Object.fromEntries(Object.entries({ ...last, ...latency }).map(([key, n]) => [key, Math.floor(n / 2)]));
    for (const attrs of [first, { ...last, ...latency, 'prefetch.hitRate': 0.5 }]) {
      batches.push({ v: 1, batchId: `stats-${j}-${attrs === first ? 1 : 2}`, sessionId: `load-s${j}`, page: 'http://127.0.0.1/shop', sentAt: now, events: [{ kind: 'pagepace', name: 'stats', value: attrs.sent!, ts: now, attrs }] });
    }
    const { 'prefetch.prefetched': _, 'prefetch.hits': hits, ...counted } = last;
    add({ ...counted, 'prefetch.used': hits! });
    if (j < 16) client({ ...latency, 'sw.l1Bytes': sw['sw.l1Bytes']!, 'sw.l2Bytes': sw['sw.l2Bytes']! });
  }
  for (let j = 0; j < 5; j++) {
    const lazy = { eager: 1, deferred: 2 + j, neverNeeded: 1, errors: 0, bytesSaved: 4096 };
    const sw = j < 2 ? { hits: 10, misses: 5, p50: 0.5 } : undefined;
    const events: PerfEvent[] = [
      { kind: 'lazy', name: 'lazy', value: 1, ts: now, attrs: { eager: 1, deferred: 0, neverNeeded: 0, errors: 0, bytesSaved: 0 } },
      { kind: 'lazy', name: 'lazy', value: 3 + j, ts: now, attrs: lazy },
      { kind: 'prefetch', name: 'prefetch', value: 2, ts: now, attrs: { hits: 1, hitRate: 0.5, bytes: 20_480, wastedBytes: 10_240 } },
      ...Array.from({ length: j }, () => ({ kind: 'prefetch', name: 'prefetch.hit', value: 1, ts: now, attrs: { trigger: 'hover' } })),
      ...(sw ? ['hits', 'misses', 'p50'].map((m) => ({ kind: 'sw', name: `sw.l1.${m}`, value: sw[m as keyof typeof sw], ts: now })) : []),
      ...(sw ? [{ kind: 'sw', name: 'sw.l1.bytes', value: 5000, ts: now }, { kind: 'sw', name: 'sw.evictions', value: 2, ts: now }] : []),
    ];
    batches.push({ v: 1, batchId: `events-${j}`, sessionId: `events-s${j}`, page: 'http://127.0.0.1/search', sentAt: now, events });
    add({
      'lazy.loaded': 3 + j, 'lazy.eager': 1, 'lazy.deferred': 2 + j, 'lazy.neverNeeded': 1, 'lazy.errors': 0, 'lazy.bytesSaved': 4096,
      'prefetch.page': 2, 'prefetch.used': Math.max(1, j), 'prefetch.bytes': 20_480, 'prefetch.wastedBytes': 10_240,
      ...(sw ? { 'sw.l1Hits': 10, 'sw.l1Misses': 5, 'sw.l1Bytes': 5000, 'sw.evictions': 2 } : {}),
    });
    if (sw) client({ 'sw.l1P50': 0.5, 'sw.l1Bytes': 5000 });
  }
  return { batches, totals, perClient, sessions: 25 };
}
