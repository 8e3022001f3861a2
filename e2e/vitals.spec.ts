import type { Page } from '@playwright/test';
import { expect, sessionOf, test, waitForNames } from './fixtures';
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
  await page.click('#work'); // an input finalises LCP
  await expect.poll(() => page.evaluate(() => (window as any).pace.summary()['LCP.timeToFirstByte']?.count ?? 0)).toBe(1);
  const s = await page.evaluate(() => (window as any).pace.summary());
  for (const part of ['LCP.timeToFirstByte', 'LCP.resourceLoadDelay', 'LCP.resourceLoadDuration', 'LCP.elementRenderDelay']) {
    expect(Object.keys(s[part]).sort(), part).toEqual(['count', 'p50', 'p75', 'p90', 'p95', 'p99']);
  }
  expect(s['LCP.timeToFirstByte'].p75 + s['LCP.resourceLoadDelay'].p75 + s['LCP.resourceLoadDuration'].p75 + s['LCP.elementRenderDelay'].p75).toBeCloseTo(s.LCP.p75, 0);
  await expect.poll(() => page.evaluate(() => (window as any).over.length)).toBeGreaterThan(0);
});
