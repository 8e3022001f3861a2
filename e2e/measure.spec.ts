import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { eventsOf, expect, sessionOf, test, waitForNames } from './fixtures';
import type { PerfEvent } from '../src/core/types';

/** Waits two frames and a little: an interaction's event-timing and LoAF entries exist only once the next frame is presented. */
const settle = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 100)))));

/** Waits until pagepace's lazily loaded sources chunk has run (observers are buffered; this only makes timing deterministic). */
const sourcesLoaded = (page: Page) =>
  page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /pagepace\.sources\.js$/.test(e.name)));

// Leave the shared collector empty: other specs look for the first batch with an LCP in it.
test.afterEach(({ demo }) => demo.store.reset());

const scriptsOf = (e: PerfEvent) =>
  Object.entries(e.attrs ?? {}).filter(([k]) => /^scripts\.\d+\.sourceURL$/.test(k)).map(([, v]) => String(v));

test('a janky page yields CLS, INP with attribution, and long animation frames naming the script', async ({ page, demo }) => {
  await page.goto('/fixtures/measure/jank.html');
  await page.waitForSelector('body[data-shifted]');
  await page.click('#slow');
  await settle(page);
  const session = await sessionOf(page);
  await page.goto('/fixtures/blank.html'); // hidden: CLS and INP are final
  const events = await waitForNames(demo, session, ['CLS', 'INP', 'long-animation-frame']);

  const cls = events.filter((e) => e.name === 'CLS').at(-1)!;
  expect(cls.value).toBeGreaterThan(0.05);
  expect(cls.attrs).toHaveProperty(['attribution.largestShiftTarget']);

  const inp = events.filter((e) => e.name === 'INP').at(-1)!;
  expect(inp.value).toBeGreaterThanOrEqual(250);
  expect(inp.attrs).toMatchObject({
    'attribution.interactionTarget': expect.stringContaining('slow'),
    'attribution.interactionType': 'pointer',
    'attribution.longestScript.sourceURL': expect.stringMatching(/\/fixtures\/measure\/slow\.js$/),
  });
  expect(inp.attrs!['attribution.processingDuration']).toBeGreaterThanOrEqual(200);

  const frames = events.filter((e) => e.kind === 'loaf');
  expect(frames.length).toBeGreaterThanOrEqual(2); // the long script at load, and the slow click
  for (const f of frames) {
    expect(f).toMatchObject({ name: 'long-animation-frame', unit: 'ms' });
    expect(f.value).toBeGreaterThan(50);
  }
  const named = frames.filter((f) => scriptsOf(f).some((u) => /\/fixtures\/measure\/slow\.js$/.test(u)));
  expect(named.length).toBeGreaterThanOrEqual(2);
  expect(named.some((f) => f.attrs!['scripts.0.invokerType'] === 'classic-script' && (f.attrs!['scripts.0.duration'] as number) >= 140)).toBe(true);
  expect(named.some((f) => f.attrs!['scripts.0.invokerType'] === 'event-listener' && /slow/.test(String(f.attrs!['scripts.0.invoker'])))).toBe(true);
});

test('navigation phases, the resource summary and pagepace’s own overhead are reported', async ({ page, demo }) => {
  await page.goto('/fixtures/measure/jank.html');
  await sourcesLoaded(page);
  await page.waitForSelector('body[data-shifted]');
  await page.evaluate(() => (window as any).pace.flush()); // some bytes on the wire before the page is left
  const session = await sessionOf(page);
  await page.goto('/fixtures/blank.html');
  const events = await waitForNames(demo, session, ['nav.dns', 'nav.request', 'nav.dom', 'resources', 'overhead.cpu', 'overhead.bytes']);
  const one = (name: string) => events.find((e) => e.name === name)!;

  for (const name of ['nav.redirect', 'nav.dns', 'nav.connect', 'nav.request', 'nav.response', 'nav.dom']) {
    expect(one(name)).toMatchObject({ kind: 'navigation', unit: 'ms' });
    expect(one(name).value).toBeGreaterThanOrEqual(0);
  }
  expect(one('nav.tls')).toBeUndefined(); // plain http
  expect(one('nav.dom').value).toBeGreaterThan(100); // slow.js blocks the parser for 150 ms

  // pagepace.iife.js, slow.js and the lazy sources chunk: scripts; pagepace's own beacons are not counted.
  expect(one('resources')).toMatchObject({ kind: 'resources', unit: 'count' });
  expect(one('resources').value).toBeGreaterThanOrEqual(3);
  expect(one('resources.script').attrs).toMatchObject({ count: expect.any(Number), bytes: expect.any(Number), cached: expect.any(Number), blocking: expect.any(Number) });
  expect(one('resources.script').attrs!.bytes).toBeGreaterThan(10_000);
  expect(one('resources.fetch')).toBeUndefined();
  expect(one('resources.beacon')).toBeUndefined();
  const slowest = events.filter((e) => e.kind === 'resource');
  expect(slowest.length).toBeGreaterThanOrEqual(1);
  expect(slowest.length).toBeLessThanOrEqual(5);
  expect(slowest.every((e) => /^http:\/\/127\.0\.0\.1:\d+\/(dist|fixtures)\//.test(e.name) && e.unit === 'ms')).toBe(true);
  expect(slowest[0]!.attrs).toMatchObject({ initiatorType: 'script', startTime: expect.any(Number), responseEnd: expect.any(Number) });

  expect(one('overhead.cpu')).toMatchObject({ kind: 'overhead', unit: 'ms' });
  expect(one('overhead.cpu').value).toBeGreaterThan(0);
  expect(one('overhead.cpu').attrs!.calls).toBeGreaterThan(3);
  expect(one('overhead.bytes')).toMatchObject({ kind: 'overhead', unit: 'bytes' });
  expect(one('overhead.bytes').value).toBeGreaterThan(50);
});

test('a budget breach calls onBudgetExceeded once, with the metric, value, budget and attribution', async ({ page }) => {
  await page.goto('/fixtures/measure/jank.html');
  await page.click('#slow');
  await settle(page);
  await page.click('#slow'); // slow again: the same breach, no second call
  await settle(page);
  await expect.poll(() => page.evaluate(() => (window as any).breaches.length)).toBe(1);
  await page.waitForTimeout(300);
  const [b] = await page.evaluate(() => (window as any).breaches.map((x: any) => ({ ...x, event: x.event.name })));
  expect(b).toMatchObject({ metric: 'INP', budget: 100, event: 'INP' });
  expect(b.value).toBeGreaterThanOrEqual(250);
  expect(b.attribution).toMatchObject({ 'attribution.interactionTarget': expect.stringContaining('slow') });
  expect(await page.evaluate(() => (window as any).breaches.length)).toBe(1);
});

test('a route change in an SPA starts a new route view, and metrics go to the route that was active', async ({ page, demo }) => {
  await page.goto('/fixtures/measure/spa.html');
  await sourcesLoaded(page);
  await page.evaluate(() => (window as any).pace.track('t', 1));
  await page.click('#to-cart'); // pushState: the automatic mode starts a view
  await expect(page).toHaveURL(/\/fixtures\/measure\/cart$/);
  await page.click('#slow'); // a slow interaction on the cart route
  await settle(page);
  const summaries = await page.evaluate(() => {
    const pace = (window as any).pace;
    pace.track('t', 2);
    pace.route('checkout'); // and by hand
    pace.track('t', 3);
    return { home: pace.summary('/fixtures/measure/spa.html'), cart: pace.summary('/fixtures/measure/cart'), checkout: pace.summary('checkout'), all: pace.summary() };
  });
  expect(summaries.home.t).toMatchObject({ count: 1, p50: 1 });
  expect(summaries.cart.t).toMatchObject({ count: 1, p50: 2 });
  expect(summaries.checkout.t).toMatchObject({ count: 1, p50: 3 });
  expect(summaries.all.t).toMatchObject({ count: 3 });
  expect(summaries.cart.INP.p75).toBeGreaterThanOrEqual(250);
  expect(summaries.home.INP).toBeUndefined();

  const session = await sessionOf(page);
  await page.goto('/fixtures/blank.html');
  const events = await waitForNames(demo, session, ['route', 'INP', 't']);
  expect(events.filter((e) => e.kind === 'route').map((e) => e.attrs)).toEqual([
    { route: '/fixtures/measure/cart', from: '/fixtures/measure/spa.html', trigger: 'history', view: 1 },
    { route: 'checkout', from: '/fixtures/measure/cart', trigger: 'api', view: 2 },
  ]);
  expect(events.filter((e) => e.name === 't').map((e) => [e.value, e.attrs!.route])).toEqual([
    [1, '/fixtures/measure/spa.html'], [2, '/fixtures/measure/cart'], [3, 'checkout'],
  ]);
  // INP is reported at page hide, on the checkout route, but belongs to the cart route where the click was.
  expect(events.filter((e) => e.name === 'INP').at(-1)!.attrs!.route).toBe('/fixtures/measure/cart');
  expect(events.find((e) => e.name === 'TTFB')!.attrs!.route).toBe('/fixtures/measure/spa.html');
});

test('memory samples are reported where the browser offers them', async ({ page, demo }) => {
  await page.goto('/fixtures/api.html');
  await page.evaluate(() => (window as any).PagePace.createPagePace({ endpoint: '/collect', batch: { maxDelayMs: 200 }, vitals: { memory: { intervalMs: 1000 } } }));
  const session = await sessionOf(page);
  await expect.poll(() => eventsOf(demo, session).filter((e) => e.name === 'memory').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  const m = eventsOf(demo, session).find((e) => e.name === 'memory')!;
  expect(m).toMatchObject({ kind: 'memory', unit: 'bytes', attrs: { source: 'heap' } }); // not cross-origin isolated here
  expect(m.value).toBeGreaterThan(100_000);
});

test('destroy() removes every observer, listener and timer of the sources and restores the History API', async ({ page }) => {
  await page.addInitScript({ content: readFileSync(new URL('./fixtures/leaks.js', import.meta.url), 'utf8') });
  await page.goto('/fixtures/api.html');
  // web-vitals cannot unsubscribe: measure what it alone leaves behind, then the same with every source on.
  const residue = (config: object) => page.evaluate(async (config) => {
    const live = (window as any).__live as () => { listeners: number; timers: number; observers: number };
    const push = history.pushState;
    const before = live();
    const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', ...config });
    await new Promise((r) => setTimeout(r, 1500)); // the lazy chunk, a memory sample, the load report
    const during = live();
    await pace.destroy();
    history.pushState({}, '', location.pathname); // after destroy, no route event and no error
    const after = live();
    return {
      during: during.observers - before.observers,
      listeners: after.listeners - before.listeners, timers: after.timers - before.timers, observers: after.observers - before.observers,
      historyRestored: history.pushState === push,
    };
  }, config);
  const only = { vitals: { navigation: false, resources: false, longFrames: false, overhead: false } };
  await residue(only); // web-vitals' once-per-page listeners are added by the first run: count them out
  const vitalsOnly = await residue(only);
  const everything = await residue({ vitals: { memory: { intervalMs: 1000 } }, routes: { auto: true } });
  expect(everything.during).toBeGreaterThan(vitalsOnly.during); // the sources did observe
  expect({ ...everything, during: 0 }).toEqual({ ...vitalsOnly, during: 0 });
  expect(everything.timers).toBe(0);
  expect(everything.historyRestored).toBe(true);
});
