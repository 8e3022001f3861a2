import type { Page } from '@playwright/test';
import { eventsOf, expect, sessionOf, test, waitForNames } from './fixtures';
import type { Demo } from './fixtures';

/** Every event name delivered for the session, with how many times each arrived. */
function counts(demo: Demo, session: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of eventsOf(demo, session)) m.set(e.name, (m.get(e.name) ?? 0) + 1);
  return m;
}

const names = (loads: number[]) => loads.flatMap((n) => [0, 1, 2].map((i) => `load:${n}:${i}`));

async function expectExactlyOnce(demo: Demo, session: string, expected: string[]) {
  await waitForNames(demo, session, expected, 30_000);
  const c = counts(demo, session);
  const twice = expected.filter((n) => c.get(n) !== 1);
  expect(twice, 'events delivered more than once').toEqual([]);
}

test.describe('nothing lost', () => {
  test.describe.configure({ timeout: 120_000 });

  test('200 consecutive page loads that record and navigate away: every event delivered exactly once', async ({ page, demo }) => {
    const loads = Number(process.env.PAGEPACE_E2E_LOADS ?? 200);
    await page.goto('/fixtures/delivery.html?n=0');
    const session = await sessionOf(page);
    for (let n = 1; n < loads; n++) await page.goto(`/fixtures/delivery.html?n=${n}`);
    await page.goto('/fixtures/blank.html');
    await expectExactlyOnce(demo, session, names(Array.from({ length: loads }, (_, n) => n)));
  });

  test('offline while recording, two reloads, then online: everything arrives after reconnect', async ({ page, context, demo }) => {
    await page.goto('/fixtures/delivery.html?n=0');
    const session = await sessionOf(page);
    await page.evaluate(() => (window as any).pace.flush());
    await context.setOffline(true);
    await page.reload({ waitUntil: 'commit' }).catch(() => {}); // offline: the navigation itself may fail
    await page.goto('/fixtures/blank.html').catch(() => {});
    await context.setOffline(false);
    await page.goto('/fixtures/delivery.html?n=1');
    await page.evaluate(() => (window as any).pace.track('offline:during', 1));
    await context.setOffline(true);
    await page.evaluate(() => (window as any).pace.flush()); // fails: parked in the outbox for retry
    await page.reload().catch(() => {});
    await page.reload().catch(() => {});
    await context.setOffline(false);
    await page.goto('/fixtures/delivery.html?n=2'); // the next load replays the outbox and the unload journal, in idle time
    await expect.poll(() => eventsOf(demo, session).some((e) => e.name === 'offline:during'), { timeout: 10_000 }).toBe(true);
    await page.goto('/fixtures/blank.html');
    await expectExactlyOnce(demo, session, [...names([0, 1, 2]), 'offline:during']);
  });

  test('back online without a reload: the online event replays the outbox at once', async ({ page, context, demo }) => {
    await page.goto('/fixtures/delivery.html?n=0');
    const session = await sessionOf(page);
    // The sending side (a chunk loaded in idle time after load) is running, with its outbox.
    await expect.poll(() => page.evaluate(() => (window as any).pace.stats().outbox)).toBe('indexeddb');
    await context.setOffline(true);
    const stats = await page.evaluate(async () => {
      await (window as any).pace.flush();
      return (window as any).pace.stats();
    });
    expect(stats).toMatchObject({ sent: 0, retried: 1 });
    await context.setOffline(false);
    await expectExactlyOnce(demo, session, names([0]));
  });

  test('offline before the sending side has loaded: events wait in the page and go once back online', async ({ page, context, demo }) => {
    await page.goto('/fixtures/delivery.html?n=0', { waitUntil: 'domcontentloaded' });
    await context.setOffline(true); // before start-up, which waits for idle time after load
    const session = await sessionOf(page);
    await page.evaluate(async () => {
      (window as any).pace.track('offline:early', 1);
      await (window as any).pace.flush(); // resolves at once: nothing can go yet
    });
    await page.waitForTimeout(1500); // start-up time passes, offline
    expect(await page.evaluate(() => (window as any).pace.stats())).toMatchObject({ sent: 0, errors: 0 });
    await context.setOffline(false);
    await expectExactlyOnce(demo, session, [...names([0]), 'offline:early']);
  });

  test('a page left before the sending side has loaded: its events are beaconed and journaled, delivered once', async ({ page, demo }) => {
    // No idle time: the page records and is gone at once (delivery.html records its 3 events inline).
    const duplicates = demo.collectorStats().duplicates;
    await page.route(/pagepace\.sender\.js/, () => {}); // the chunk never arrives in this page
    await page.goto('/fixtures/delivery.html?n=0');
    const session = await sessionOf(page);
    await page.unroute(/pagepace\.sender\.js/);
    await page.goto('/fixtures/delivery.html?n=1');
    // This load replays the journal: the beacon had arrived, so the collector drops the copy.
    await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('pagepace:unload:')).length)).toBe(0);
    await expect.poll(() => demo.collectorStats().duplicates).toBeGreaterThan(duplicates);
    await page.goto('/fixtures/blank.html');
    await expectExactlyOnce(demo, session, names([0, 1]));
  });

  for (const retryAfter of [undefined, '1']) {
    test(`collector answering 503${retryAfter ? ' with Retry-After' : ''} for a stretch, then 204: all delivered once`, async ({ page, demo }) => {
      await page.goto('/fixtures/delivery.html?n=0');
      const session = await sessionOf(page);
      demo.setFault({ status: 503, times: 3, ...(retryAfter ? { retryAfter } : {}) });
      const stats = await page.evaluate(async () => {
        await (window as any).pace.flush(); // the first attempt meets a 503: parked, retried with backoff
        return (window as any).pace.stats();
      });
      expect(stats.retried).toBeGreaterThanOrEqual(1);
      await expectExactlyOnce(demo, session, names([0]));
      expect(demo.fault().answered).toBe(3);
      const after = await page.evaluate(() => (window as any).pace.stats());
      expect(after).toMatchObject({ sent: 3, dropped: 0 });
      expect(after.retried).toBeGreaterThanOrEqual(3);
    });
  }

  test('a 4xx other than 408/429 is not retried, and is counted', async ({ page, demo }) => {
    await page.goto('/fixtures/delivery.html?n=0');
    demo.setFault({ status: 400, times: 1 });
    const stats = await page.evaluate(async () => {
      await (window as any).pace.flush();
      await new Promise((r) => setTimeout(r, 1500));
      return (window as any).pace.stats();
    });
    expect(stats).toMatchObject({ rejected: 3, dropped: 3, sent: 0 });
    expect(demo.fault().answered).toBe(1);
  });

  test('a burst of 100,000 track() calls keeps memory bounded, counts drops, and adds no long task', async ({ page, demo }) => {
    await page.goto('/fixtures/api.html');
    const r = await page.evaluate(async () => {
      const longTasks: number[] = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => longTasks.push(e.duration))).observe({ type: 'longtask' });
      const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false });
      const t0 = performance.now();
      for (let i = 0; i < 100_000; i++) pace.track('burst', i);
      const loopMs = performance.now() - t0;
      const during = pace.stats();
      await new Promise((res) => setTimeout(res, 100));
      const afterBurst = longTasks.slice(); // long tasks after the loop are ours, not the caller's
      longTasks.length = 0;
      await pace.flush();
      await new Promise((res) => setTimeout(res, 2000));
      return { loopMs, during, stats: pace.stats(), longAfter: longTasks, afterBurst };
    });
    const session = await sessionOf(page);
    // Bounded: at most MAX_QUEUE (1,000) events wait in memory, plus 8 batches handed to delivery.
    expect(r.during.queued).toBeLessThanOrEqual(1000 + 8 * 50);
    expect(r.stats.dropped).toBeGreaterThan(90_000);
    expect(r.stats.sent + r.stats.dropped).toBe(100_000);
    expect(eventsOf(demo, session).filter((e) => e.name === 'burst')).toHaveLength(r.stats.sent);
    expect(r.longAfter, 'long tasks while pagepace sends').toEqual([]);
    console.log(`burst: loop ${r.loopMs.toFixed(0)} ms for 100,000 calls (${(r.loopMs / 100).toFixed(2)} µs/call); sent ${r.stats.sent}, dropped ${r.stats.dropped}`);
  });

  test('IndexedDB blocked: metrics still delivered, no page error', async ({ page, demo }) => {
    await page.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { get() { throw new DOMException('blocked by test', 'SecurityError'); } });
    });
    await page.goto('/fixtures/delivery.html?n=0');
    const session = await sessionOf(page);
    const stats = await page.evaluate(async () => {
      await (window as any).pace.flush();
      return (window as any).pace.stats();
    });
    expect(stats.outbox).toBe('memory');
    await page.goto('/fixtures/blank.html');
    await expectExactlyOnce(demo, session, names([0]));
  });

  test('IndexedDB whose open fails: degrades to memory, still delivers', async ({ page, demo }) => {
    await page.addInitScript(() => {
      IDBFactory.prototype.open = function () { throw new DOMException('quota', 'QuotaExceededError'); };
    });
    await page.goto('/fixtures/delivery.html?n=0');
    const session = await sessionOf(page);
    const stats = await page.evaluate(async () => {
      await (window as any).pace.flush();
      return (window as any).pace.stats();
    });
    expect(stats).toMatchObject({ outbox: 'memory', sent: 3 });
    await expectExactlyOnce(demo, session, names([0]));
  });
});

void (null as unknown as Page);
