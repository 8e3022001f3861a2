import type { Page } from '@playwright/test';
import { eventsOf, expect, sessionOf, test, waitForNames } from './fixtures';
import type { Demo } from './fixtures';

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];

/** Interacts as a user would, then leaves, which is what finalises CLS and INP. */
async function visitAndLeave(page: Page, demo: Demo, path: string, shift: string) {
  await page.goto(path);
  await page.waitForSelector(shift); // the late layout shift has happened
  await page.click('#work'); // a trusted input: finalises LCP, gives INP an interaction
  // The interaction's event-timing entry exists only once the next frame is presented.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
  const session = await sessionOf(page);
  await page.goto('/fixtures/blank.html'); // visibilitychange → hidden, pagehide
  return waitForNames(demo, session, VITALS);
}

function expectVitals(events: Awaited<ReturnType<typeof waitForNames>>) {
  for (const name of VITALS) {
    const e = events.filter((x) => x.name === name).at(-1)!;
    expect(e.kind).toBe('vital');
    expect(['good', 'needs-improvement', 'poor']).toContain(e.rating);
    expect(e.unit).toBe(name === 'CLS' ? undefined : 'ms');
    expect(e.id).toMatch(/^v\d-/);
    expect(e.ts).toBeGreaterThan(Date.now() - 60_000);
  }
  expect(events.find((e) => e.name === 'CLS')!.value).toBeGreaterThan(0);
  expect(events.find((e) => e.name === 'INP')!.value).toBeGreaterThanOrEqual(50);
}

test('a page with the script tag delivers all five Core Web Vitals to the collector', async ({ page, demo }) => {
  // web-vitals is a chunk fetched at start-up, in idle time after load: it reads buffered entries.
  const chunks: string[] = [];
  page.on('request', (r) => /pagepace\.(web-vitals|attribution)\.js/.test(r.url()) && chunks.push(r.url()));
  const events = await visitAndLeave(page, demo, '/vitals.html', 'p:text("A late banner")');
  expectVitals(events);
  // Breakdowns by default: web-vitals' attribution build, in place of the plain one.
  expect(chunks.map((u) => u.split('/').pop())).toEqual(['pagepace.attribution.js']);
  const last = (n: string) => events.filter((x) => x.name === n).at(-1)!;
  const sum = (e: { attrs?: Record<string, unknown> }, parts: string[]) => parts.reduce((a, p) => a + (e.attrs![`attribution.${p}`] as number), 0);
  const lcp = last('LCP');
  expect(sum(lcp, ['timeToFirstByte', 'resourceLoadDelay', 'resourceLoadDuration', 'elementRenderDelay'])).toBeCloseTo(lcp.value, 0);
  expect(lcp.attrs!['attribution.target']).toEqual(expect.any(String));
  const inp = last('INP');
  expect(sum(inp, ['inputDelay', 'processingDuration', 'presentationDelay'])).toBeCloseTo(inp.value, -1);
  expect(inp.attrs!['attribution.interactionTarget']).toContain('work');
  expect(last('CLS').attrs!['attribution.largestShiftTarget']).toEqual(expect.any(String));
  // This page's batch (the worker's collector also holds earlier tests' pages).
  const batch = demo.store.list().find((b) => b.batch.events.includes(lcp))!.batch;
  expect(batch.v).toBe(1);
  expect(batch.page).toMatch(/\/vitals\.html$/);
  expect(batch.batchId).toMatch(/^[0-9a-f]{16}$/);
});

test('an app that imports the npm entry through a bundler delivers them too', async ({ page, demo }) => {
  const events = await visitAndLeave(page, demo, '/fixtures/npm-app.html', 'p:text("late")');
  expectVitals(events);
});

test('vitals: { attribution: false } loads the plain build and sends no breakdowns', async ({ page, demo }) => {
  const chunks: string[] = [];
  page.on('request', (r) => /pagepace\.(web-vitals|attribution)\.js/.test(r.url()) && chunks.push(r.url()));
  await page.goto('/fixtures/api.html');
  expect(chunks).toEqual([]); // not part of the eager script
  await page.evaluate(() => (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: { attribution: false } }));
  await page.click('#work');
  const session = await sessionOf(page);
  await page.goto('/fixtures/blank.html');
  const events = await waitForNames(demo, session, ['LCP', 'TTFB']);
  expect(chunks.map((u) => u.split('/').pop())).toEqual(['pagepace.web-vitals.js']);
  const lcp = events.find((e) => e.name === 'LCP')!;
  expect(lcp.attrs).toMatchObject({ navigationType: 'navigate' });
  expect(Object.keys(lcp.attrs!).filter((k) => k.startsWith('attribution.'))).toEqual([]);
});

test('summary() has an entry per LCP part once LCP is final, and a budget can name one', async ({ page }) => {
  await page.goto('/fixtures/api.html');
  await page.evaluate(() => {
    const w = window as any;
    w.over = [];
    w.pace = w.PagePace.createPagePace({ endpoint: '/collect', budgets: { 'LCP.timeToFirstByte': 0 }, onBudgetExceeded: (e: unknown) => w.over.push(e) });
  });
  // An input finalises LCP, but only one web-vitals sees: a click before its chunk has started
  // (start-up runs in idle time) leaves LCP open until the hide. Click until one is seen.
  await expect.poll(async () => {
    await page.click('#work');
    return page.evaluate(() => (window as any).pace.summary()['LCP.timeToFirstByte']?.count ?? 0);
  }, { timeout: 10_000 }).toBe(1);
  const s = await page.evaluate(() => (window as any).pace.summary());
  for (const part of ['LCP.timeToFirstByte', 'LCP.resourceLoadDelay', 'LCP.resourceLoadDuration', 'LCP.elementRenderDelay']) {
    expect(Object.keys(s[part]).sort(), part).toEqual(['count', 'p50', 'p75', 'p90', 'p95', 'p99']);
  }
  expect(s['LCP.timeToFirstByte'].p75 + s['LCP.resourceLoadDelay'].p75 + s['LCP.resourceLoadDuration'].p75 + s['LCP.elementRenderDelay'].p75).toBeCloseTo(s.LCP.p75, 0);
  await expect.poll(() => page.evaluate(() => (window as any).over.length)).toBeGreaterThan(0);
});

/** Holds web-vitals' chunk back until `release()`: the page can be left before pagepace has it. */
async function holdWebVitals(page: Page) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  await page.route(/pagepace\.(web-vitals|attribution)\.js/, async (route) => {
    await gate;
    await route.continue().catch(() => {}); // the page may be gone
  });
  return release;
}

const once = (events: { name: string }[], names: string[]) => Object.fromEntries(names.map((n) => [n, events.filter((e) => e.name === n).length]));

test('a page left before web-vitals has loaded still reports TTFB, FCP, LCP and CLS, read from the timeline, once each', async ({ page, demo }) => {
  const release = await holdWebVitals(page);
  await page.goto('/vitals.html');
  await page.waitForSelector('p:text("A late banner")'); // the layout shift has happened
  const timeline = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]!.startTime,
    ttfb: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseStart,
  }));
  const session = await sessionOf(page);
  await page.goto('/fixtures/blank.html');
  release();
  const events = await waitForNames(demo, session, ['TTFB', 'FCP', 'LCP', 'CLS']);
  await page.waitForTimeout(500);
  expect(once(eventsOf(demo, session), VITALS)).toEqual({ LCP: 1, INP: 0, CLS: 1, FCP: 1, TTFB: 1 });
  const by = (n: string) => events.find((e) => e.name === n)!;
  expect(by('FCP').value).toBeCloseTo(timeline.fcp, 0);
  expect(by('TTFB').value).toBeCloseTo(timeline.ttfb, 0);
  expect(by('LCP').value).toBeGreaterThanOrEqual(by('FCP').value);
  expect(by('CLS').value).toBeGreaterThan(0);
  for (const n of ['TTFB', 'FCP', 'LCP', 'CLS']) {
    expect(by(n)).toMatchObject({ kind: 'vital', rating: expect.stringMatching(/^(good|needs-improvement|poor)$/), id: expect.stringMatching(/^pp-/), attrs: { navigationType: 'navigate' } });
  }
});

test('hidden before web-vitals has come, then back and left: the timeline\'s vitals are not reported again by web-vitals, INP is', async ({ page, demo }) => {
  const release = await holdWebVitals(page);
  await page.goto('/vitals.html');
  await page.waitForSelector('p:text("A late banner")');
  const session = await sessionOf(page);
  // A tab switch, emulated; back to visible, the document's own state shows again (for the real hide at the end).
  const hide = (state: 'hidden' | 'visible') => page.evaluate((s) => {
    if (s === 'hidden') {
      Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    } else {
      delete (document as { visibilityState?: string }).visibilityState;
      delete (document as { hidden?: boolean }).hidden;
    }
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }, state);
  await hide('hidden');
  await waitForNames(demo, session, ['TTFB', 'FCP', 'LCP', 'CLS']);
  await hide('visible');
  const arrived = page.waitForResponse(/pagepace\.attribution\.js/);
  release();
  await arrived;
  await page.waitForTimeout(300); // web-vitals subscribes, reads the buffered entries
  await page.click('#work');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
  await page.goto('/fixtures/blank.html');
  await waitForNames(demo, session, ['INP']);
  await page.waitForTimeout(500);
  expect(once(eventsOf(demo, session), VITALS)).toEqual({ LCP: 1, INP: 1, CLS: 1, FCP: 1, TTFB: 1 });
  expect(eventsOf(demo, session).find((e) => e.name === 'INP')!.id).toMatch(/^v\d-/);
});
