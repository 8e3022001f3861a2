import type { Page } from '@playwright/test';
import { eventsOf, expect, sessionOf, test, waitForNames } from './fixtures';
import type { PerfEvent } from '../src/core/types';

// Soft navigations (Chromium's heuristics: a click, a same-document URL change, then contentful
// paint) are on by default in the Chromium this suite runs (156); the feature flag is passed too,
// for builds where they are still behind it. Same executable, the config's args plus the flag.
test.use({
  launchOptions: [
    async ({ launchOptions }, use) => use({ ...launchOptions, args: [...(launchOptions.args ?? []), '--enable-features=SoftNavigationHeuristics'] }),
    { scope: 'worker' },
  ],
});

test.afterEach(({ demo }) => demo.store.reset());

const HOME = '/fixtures/measure/softnav.html';
const CART = '/fixtures/measure/softnav-cart';

/** The vital events pagepace recorded in the page (onMetric), as [name, navigationType, route]. */
const vitalsIn = (page: Page) =>
  page.evaluate(() => ((window as any).events as PerfEvent[]).filter((e) => e.kind === 'vital'));

/** Loads the SPA, follows its link to the cart (a soft navigation), then clicks the slow button there. */
async function softNavigate(page: Page, softNavs: boolean) {
  await page.goto(`${HOME}${softNavs ? '' : '?softNavs=0'}`);
  // web-vitals is running (TTFB is its first report) before the click.
  await page.waitForFunction(() => (window as any).events.some((e: PerfEvent) => e.name === 'TTFB'));
  await page.click('#to-cart');
  await expect(page).toHaveURL(new RegExp(`${CART}$`));
  await expect(page.locator('#view h2')).toHaveText('Your cart');
  await page.waitForTimeout(500); // the paint, and the soft-navigation entry after it
  await page.click('#slow'); // a slow interaction on the cart view
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 300)))));
}

test('with vitals.softNavs, each soft navigation gets its own web vitals, attributed to the route navigated to', async ({ page, demo }) => {
  await softNavigate(page, true);
  // The browser saw a soft navigation to the cart (otherwise nothing below could hold).
  const entries = await page.evaluate(() => performance.getEntriesByType('soft-navigation').map((e) => e.name));
  expect(entries, 'Chromium emitted no soft-navigation entry').toEqual([expect.stringMatching(new RegExp(`${CART}$`))]);

  await expect.poll(async () => (await vitalsIn(page)).filter((e) => e.attrs!.navigationType === 'soft-navigation' && e.name === 'INP').length).toBeGreaterThan(0);
  const vitals = await vitalsIn(page);
  const soft = vitals.filter((e) => e.attrs!.navigationType === 'soft-navigation');
  // web-vitals started a new LCP, FCP, TTFB, CLS and INP for the soft navigation…
  expect(new Set(soft.map((e) => e.name))).toEqual(new Set(['LCP', 'FCP', 'TTFB', 'CLS', 'INP']));
  // …and pagepace gives every one of them to the cart route, TTFB included (its entry starts at the
  // click, before the router's pushState started the cart's route view).
  expect(soft.map((e) => [e.name, e.attrs!.route])).toEqual(soft.map((e) => [e.name, CART]));
  expect(soft.filter((e) => e.name === 'INP').at(-1)!.value).toBeGreaterThanOrEqual(250);
  expect(soft.find((e) => e.name === 'TTFB')!.value).toBe(0);
  expect(soft.find((e) => e.name === 'LCP')!.value).toBeGreaterThan(0); // from the click to the cart's paint
  // The hard navigation's vitals stay with the first route.
  const hard = vitals.filter((e) => e.attrs!.navigationType === 'navigate' && ['LCP', 'FCP', 'TTFB'].includes(e.name));
  expect(hard.map((e) => e.attrs!.route)).toEqual(hard.map(() => HOME));
  expect(hard.length).toBeGreaterThanOrEqual(3);

  // summary(route): the cart has LCP, FCP and INP of its own; the first route's LCP is only its own.
  const s = await page.evaluate(([home, cart]) => ({ home: (window as any).pace.summary(home), cart: (window as any).pace.summary(cart) }), [HOME, CART]);
  expect(s.cart.LCP).toMatchObject({ count: 1 });
  expect(s.cart.FCP).toMatchObject({ count: 1 });
  expect(s.cart.INP.p75).toBeGreaterThanOrEqual(250);
  expect(s.home.LCP.count).toBe(1);
  expect(s.home.INP?.p75 ?? 0).toBeLessThan(250);

  // The collector gets them as sent: navigationType and route survive the wire.
  const session = await sessionOf(page);
  await page.goto('/fixtures/blank.html');
  const events = await waitForNames(demo, session, ['LCP', 'INP']);
  await expect.poll(() => eventsOf(demo, session).filter((e) => e.attrs?.navigationType === 'soft-navigation').map((e) => e.name))
    .toEqual(expect.arrayContaining(['LCP', 'FCP', 'TTFB', 'INP']));
  expect(events.filter((e) => e.attrs?.navigationType === 'soft-navigation').every((e) => e.attrs!.route === CART)).toBe(true);
});

test('without vitals.softNavs, web-vitals is not asked for soft navigations: one LCP per page, none for the cart', async ({ page }) => {
  await softNavigate(page, false);
  // The browser did see the soft navigation; pagepace did not pass reportSoftNavs on.
  expect(await page.evaluate(() => performance.getEntriesByType('soft-navigation').length)).toBe(1);
  await expect.poll(async () => (await vitalsIn(page)).filter((e) => e.name === 'INP' && e.value >= 250).length).toBeGreaterThan(0);
  const vitals = await vitalsIn(page);
  expect(vitals.filter((e) => e.attrs!.navigationType === 'soft-navigation')).toEqual([]);
  // INP still goes to the route where the click was, by time; LCP ended at the first input.
  expect(vitals.filter((e) => e.name === 'INP' && e.value >= 250).map((e) => e.attrs!.route)).toEqual([CART]);
  const s = await page.evaluate((cart) => (window as any).pace.summary(cart), CART);
  expect(s.LCP).toBeUndefined();
  expect(s.FCP).toBeUndefined();
  expect(s.TTFB).toBeUndefined();
});
