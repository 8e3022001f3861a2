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
  expect(chunks.map((u) => u.split('/').pop())).toEqual(['pagepace.web-vitals.js']);
  const batch = demo.store.list().find((b) => b.batch.events.some((e) => e.name === 'LCP'))!.batch;
  expect(batch.v).toBe(1);
  expect(batch.page).toMatch(/\/vitals\.html$/);
  expect(batch.batchId).toMatch(/^[0-9a-f]{16}$/);
});

test('an app that imports the npm entry through a bundler delivers them too', async ({ page, demo }) => {
  const events = await visitAndLeave(page, demo, '/fixtures/npm-app.html', 'p:text("late")');
  expectVitals(events);
});

test('vitals.attribution loads the attribution chunk on demand and sends its fields as attrs', async ({ page, demo }) => {
  const chunks: string[] = [];
  page.on('request', (r) => /pagepace\.(web-vitals|attribution)\.js/.test(r.url()) && chunks.push(r.url()));
  await page.goto('/fixtures/api.html');
  expect(chunks).toEqual([]); // not part of the eager script
  await page.evaluate(() => (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: { attribution: true } }));
  await page.click('#work');
  const session = await sessionOf(page);
  await page.goto('/fixtures/blank.html');
  const events = await waitForNames(demo, session, ['LCP', 'TTFB']);
  expect(chunks.map((u) => u.split('/').pop())).toEqual(['pagepace.attribution.js']); // in place of the plain build
  const lcp = events.find((e) => e.name === 'LCP')!;
  expect(lcp.attrs).toMatchObject({ navigationType: 'navigate', 'attribution.target': expect.any(String) });
  expect(events.find((e) => e.name === 'TTFB')!.attrs).toHaveProperty(['attribution.waitingDuration']);
});
