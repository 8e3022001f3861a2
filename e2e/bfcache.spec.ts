import { expect, sessionOf, test, waitForNames } from './fixtures';
import { findChromium } from './chromium';

// Issue 14, item 4: a back/forward-cache restore is a new page view, and nothing pagepace does keeps
// the page out of the cache. Playwright turns the cache off by default: this file turns it back on.
test.use({
  launchOptions: {
    executablePath: findChromium(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run'],
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  },
});

test('a page left and restored from the back/forward cache reports its restored vitals, later events, and sends again at the next hide', async ({ page, demo }) => {
  await page.goto('/fixtures/pageview/tag.html');
  await page.waitForSelector('#banner');
  await page.click('#work');
  const session = await sessionOf(page);
  await expect.poll(() => page.evaluate(() => (window as any).pace.stats().outbox)).toBe('indexeddb'); // everything has started
  await page.evaluate(() => addEventListener('pageshow', (e) => ((window as any).restored = e.persisted)));
  await page.goto('/fixtures/blank.html');
  await waitForNames(demo, session, ['pv:click', 'stats']);
  await page.goBack({ waitUntil: 'commit' }); // a restore fires pageshow, not load
  const restored = await page.waitForFunction(() => (window as any).restored !== undefined || document.readyState === 'complete', null, { timeout: 5000 })
    .then(() => page.evaluate(() => (window as any).restored === true));
  const reasons = await page.evaluate(() => JSON.stringify((performance.getEntriesByType('navigation')[0] as any)?.notRestoredReasons ?? null));
  expect(restored, `not restored from the back/forward cache; notRestoredReasons: ${reasons}`).toBe(true);
  const sent = demo.store.list().filter((e) => e.batch.sessionId === session).length;
  // After the restore: an interaction and a tracked event, then the next hide.
  await page.click('#work');
  await page.evaluate(() => (window as any).pace.track('after:restore', 1));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
  await page.goto('/fixtures/blank.html?again');
  const events = await waitForNames(demo, session, ['after:restore']);
  expect(events.filter((e) => e.name === 'after:restore')).toHaveLength(1);
  const restoredVitals = events.filter((e) => e.kind === 'vital' && e.attrs?.navigationType === 'back-forward-cache').map((e) => e.name);
  for (const v of ['FCP', 'TTFB', 'INP']) expect(restoredVitals, v).toContain(v);
  expect(demo.store.list().filter((e) => e.batch.sessionId === session).length).toBeGreaterThan(sent); // the next hide sent
  expect(events.filter((e) => e.name === 'stats').length).toBe(2); // one per page view
});
