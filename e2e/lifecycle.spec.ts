import type { Page } from '@playwright/test';
import { eventsOf, expect, sessionOf, test, waitForNames } from './fixtures';
import type { Demo } from './fixtures';

// A real page view with every default: what leaves the page, how, and how often.

const BINARY = 'application/vnd.pagepace+binary';
const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
const TRACKED = ['pv:start', 'pv:click', 'pv:span'];

/** Everything the collector was sent so far: requests it accepted, dropped as duplicates or refused. */
function wire(demo: Demo) {
  const s = demo.collectorStats();
  return { requests: demo.store.list().length + s.duplicates + Object.values(s.rejected).reduce((a, b) => a + b, 0), duplicates: s.duplicates };
}

/** The requests (one stored batch each) the collector accepted for a session. */
const requestsOf = (demo: Demo, session: string) => demo.store.list().filter((e) => e.batch.sessionId === session);

/** Load, a layout shift, a click whose next frame is painted, as a user makes them. */
async function view(page: Page, path: string) {
  await page.goto(path);
  await page.waitForSelector('#banner');
  await page.click('#work');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
  await page.mouse.wheel(0, 3000); // the image below the fold comes into view and is loaded
  await page.waitForFunction(() => document.querySelector('img[alt=below]')?.getAttribute('src'));
  return sessionOf(page);
}

function counts(demo: Demo, session: string) {
  const m = new Map<string, number>();
  for (const e of eventsOf(demo, session)) m.set(e.name, (m.get(e.name) ?? 0) + 1);
  return m;
}

/**
 * Old libraries (and prototype-pollution bugs) leave enumerable properties on Object.prototype and
 * Array.prototype. pagepace must neither trip over them nor read its options from them: a polluted
 * `endpoint` or `format` would send the page's data elsewhere, or as JSON.
 */
function pollute() {
  const extras: Record<string, unknown> = { endpoint: 'https://attacker.invalid/collect', format: 'json', sampleRate: 0, polluted: 'x', extend() {} };
  for (const [k, v] of Object.entries(extras)) (Object.prototype as Record<string, unknown>)[k] = v;
  (Array.prototype as unknown as Record<string, unknown>).each = function each() {};
}

for (const [via, path, polluted] of [
  ['a script tag without data-format', '/fixtures/pageview/tag.html', false],
  ['the npm import', '/fixtures/pageview/npm.html', false],
  ['a script tag, on a host page whose Object.prototype carries enumerable extras (endpoint and format among them)', '/fixtures/pageview/tag.html', true],
] as const) {
  test(`a page view through ${via}: at most 2 requests, all binary, every vital and tracked event once`, async ({ page, demo }) => {
    if (polluted) await page.addInitScript(pollute);
    const before = wire(demo);
    const session = await view(page, path);
    await page.goto('/fixtures/blank.html'); // a page without pagepace
    await waitForNames(demo, session, [...VITALS, ...TRACKED, 'stats']);
    await page.waitForTimeout(1000); // anything that would come late, and should not
    const requests = requestsOf(demo, session);
    expect(wire(demo).requests - before.requests, 'requests on the wire').toBeLessThanOrEqual(2);
    expect(requests.map((r) => r.meta.contentType)).toEqual(requests.map(() => BINARY));
    const c = counts(demo, session);
    for (const name of [...VITALS, ...TRACKED]) expect(c.get(name), name).toBe(1);
    // The parts that report at hide (lazy loading, the sending side's stats) did, once.
    for (const name of ['lazy', 'stats']) expect(c.get(name), name).toBe(1);
    // What the hide recorded, web-vitals' INP and CLS included, left in one request.
    const carrying = (n: string) => requests.findIndex((r) => r.batch.events.some((e) => e.name === n));
    expect(['INP', 'CLS', 'lazy'].map(carrying)).toEqual(['stats', 'stats', 'stats'].map(carrying));
    expect(wire(demo).duplicates).toBe(before.duplicates);
    // No inherited key made it into an event either.
    expect(eventsOf(demo, session).filter((e) => Object.keys(e.attrs ?? {}).some((k) => k === 'polluted' || k === 'each'))).toEqual([]);
  });
}

test('events recorded 1.5 s before the renderer crashes reach the collector, with no further page load', async ({ page, demo }) => {
  await page.goto('/fixtures/pageview/tag.html');
  test.skip(!(await page.evaluate(() => 'fetchLater' in window)), 'this Chromium has no fetchLater');
  const session = await sessionOf(page);
  await expect.poll(() => page.evaluate(() => (window as any).pace.stats().deferred)).toBeGreaterThan(0);
  await page.evaluate(() => (window as any).pace.track('before:crash', 1));
  await page.waitForTimeout(1500);
  const cdp = await page.context().newCDPSession(page);
  void cdp.send('Page.crash').catch(() => {}); // never answers: the renderer is gone, no hide, no pagehide, no script
  await waitForNames(demo, session, ['before:crash', 'pv:start']);
  expect(counts(demo, session).get('before:crash')).toBe(1);
});

test('a tab switch (hidden, not unloaded): everything recorded at the hide comes in one request; the next hide sends again', async ({ page, demo }) => {
  const session = await view(page, '/fixtures/pageview/tag.html');
  await expect.poll(() => page.evaluate(() => (window as any).pace.stats().outbox)).toBe('indexeddb'); // the sending side runs
  const hide = (state: 'hidden' | 'visible') => page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
    Object.defineProperty(document, 'hidden', { value: s === 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }, state);
  const had = requestsOf(demo, session).length;
  await hide('hidden');
  await waitForNames(demo, session, ['INP', 'CLS', 'stats']);
  await page.waitForTimeout(1000);
  // A long animation frame still running at the hide (the hide's own work ends in it) is observed
  // only after the hide was sent: it goes as one more request ("When batches are sent"). Nothing
  // else may: every request but the hide's holds only such frames.
  const loafOnly = (r: { batch: { events: { kind: string }[] } }) => r.batch.events.every((e) => e.kind === 'loaf');
  const sent = requestsOf(demo, session).slice(had).filter((r) => !loafOnly(r));
  expect(sent, 'requests at the hide, besides late long frames').toHaveLength(1);
  const atHide = sent[0]!.batch.events.map((e) => e.name);
  expect(atHide).toEqual(expect.arrayContaining(['INP', 'CLS', 'lazy', 'stats']));
  expect(sent[0]!.meta.contentType).toBe(BINARY);

  await hide('visible');
  await page.evaluate(() => (window as any).pace.track('after:return', 1));
  await hide('hidden');
  await waitForNames(demo, session, ['after:return']);
  expect(requestsOf(demo, session).slice(had).filter((r) => !loafOnly(r))).toHaveLength(2);
  expect(counts(demo, session).get('pv:start')).toBe(1);
});

test('offline in two tabs, then online: each parked batch is sent once, none again after its 2xx', async ({ context, demo }) => {
  const before = wire(demo);
  const a = await context.newPage();
  const b = await context.newPage();
  await a.goto('/fixtures/delivery.html?n=0');
  await b.goto('/fixtures/delivery.html?n=1');
  const session = await sessionOf(a); // each tab has its own session
  const sessionB = await sessionOf(b);
  for (const p of [a, b]) await expect.poll(() => p.evaluate(() => (window as any).pace.stats().outbox)).toBe('indexeddb');
  await context.setOffline(true);
  for (const p of [a, b]) {
    await p.evaluate(async () => {
      for (let i = 0; i < 5; i++) { (window as any).pace.track(`offline:${i}`, i); await (window as any).pace.flush(); }
    });
  }
  // Both tabs, and a third page load, replay the shared outbox at once when the network returns.
  await context.setOffline(false);
  const c = await context.newPage();
  await c.goto('/fixtures/delivery.html?n=2');
  const names = [0, 1, 2, 3, 4].map((i) => `offline:${i}`);
  await waitForNames(demo, session, names, 30_000);
  await waitForNames(demo, sessionB, names, 30_000);
  await c.waitForTimeout(1500);
  for (const s of [session, sessionB]) for (const n of names) expect(counts(demo, s).get(n), `${s} ${n}`).toBe(1);
  expect(wire(demo).duplicates - before.duplicates, 'batches sent again after a 2xx').toBe(0);
});
