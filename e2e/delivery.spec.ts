import type { Page } from '@playwright/test';
import { eventsOf, expect, sessionOf, test, waitForNames } from './fixtures';
import type { Demo } from './fixtures';

/** Every event name delivered for the session, with how many times each arrived. */
function counts(demo: Demo, session: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of eventsOf(demo, session)) m.set(e.name, (m.get(e.name) ?? 0) + 1);
  return m;
}

/**
 * Init script: logs to localStorage (it outlives the page) every sendBeacon, and every fetch to
 * /collect, made while the page is being hidden; optionally the browser "refuses" every beacon.
 * Its listeners run before pagepace's, which the page adds later.
 */
function spyOnSends({ refuseBeacons, noFetchLater = false }: { refuseBeacons: boolean; noFetchLater?: boolean }) {
  let hiding = false;
  const hide = () => {
    hiding = true;
    setTimeout(() => (hiding = false)); // after this event's dispatch, pagepace's listeners included
  };
  addEventListener('pagehide', hide, true);
  document.addEventListener('visibilitychange', () => void (document.visibilityState === 'hidden' && hide()), true);
  const log = (entry: object) => hiding && localStorage.setItem('test:sends', JSON.stringify([...JSON.parse(localStorage.getItem('test:sends') ?? '[]'), entry]));
  const path = (u: unknown) => new URL(String(u instanceof Request ? u.url : u), location.href).pathname;
  const beacon = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, data) => {
    const ok = refuseBeacons ? false : beacon(url, data);
    log({ via: 'beacon', path: path(url), ok });
    return ok;
  };
  const w = window as unknown as { fetchLater?: (u: string, init: { activateAfter?: number }) => unknown };
  if (noFetchLater) delete w.fetchLater;
  const later = w.fetchLater?.bind(window);
  if (later) w.fetchLater = (url, init) => (log({ via: 'fetchLater', path: path(url), activateAfter: init.activateAfter }), later(url, init));
  const fetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    if (path(input) === '/collect') log({ via: 'fetch', path: path(input), keepalive: !!init?.keepalive });
    return fetch(input, init);
  };
}

/** What spyOnSends logged, cleared as it is read. */
const takeSendLog = (page: Page): Promise<Array<Record<string, unknown>>> => page.evaluate(() => {
  const log = JSON.parse(localStorage.getItem('test:sends') ?? '[]');
  localStorage.removeItem('test:sends');
  return log;
});

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
    // Offline before pagepace exists: none of its chunks has been asked for. (A chunk whose fetch
    // drops mid-way is remembered as failed by Chromium 150; its events then go by the hide path.)
    await page.goto('/fixtures/delivery.html?n=0&defer');
    await context.setOffline(true);
    await page.evaluate(() => (window as any).startPace());
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

  test('a page left before the sending side has loaded: its events go by one beacon the browser takes, not journaled, delivered once', async ({ page, demo }) => {
    // No idle time: the page records and is gone at once (delivery.html records its 3 events inline).
    const duplicates = demo.collectorStats().duplicates;
    await page.route(/pagepace\.sender\.js/, () => {}); // the chunk never arrives in this page
    await page.goto('/fixtures/delivery.html?n=0');
    const session = await sessionOf(page);
    await page.unroute(/pagepace\.sender\.js/);
    await page.goto('/fixtures/delivery.html?n=1');
    // The browser took the beacon while online: nothing was journaled to send again.
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('pagepace:unload:')).length)).toBe(0);
    await page.goto('/fixtures/blank.html');
    await expectExactlyOnce(demo, session, names([0, 1]));
    expect(demo.collectorStats().duplicates).toBe(duplicates);
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

  test('a 4xx other than 408/429 is not retried, is counted, and with debug is reported once', async ({ page, demo }) => {
    await page.goto('/fixtures/api.html');
    const warnings: string[] = [];
    page.on('console', (m) => void (m.text().includes('refused a batch') && warnings.push(m.text())));
    let posts = 0;
    page.on('request', (r) => void (r.method() === 'POST' && new URL(r.url()).pathname === '/collect' && posts++));
    await page.evaluate(async () => {
      // One event per batch: three batches, each refused.
      (window as any).pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, debug: true, batch: { maxEvents: 1 } });
      await (window as any).pace.flush(); // start-up done: the sending side is loaded
    });
    demo.setFault({ status: 400, times: 3 });
    const stats = await page.evaluate(async () => {
      for (let i = 0; i < 3; i++) (window as any).pace.track(`refused:${i}`, i);
      await (window as any).pace.flush();
      await new Promise((r) => setTimeout(r, 2500)); // past the first retry's backoff (1-2 s), had there been one
      return (window as any).pace.stats();
    });
    expect(stats).toMatchObject({ rejected: 3, dropped: 3, sent: 0, retried: 0 });
    expect(demo.fault().answered).toBe(3);
    expect(posts, 'each refused batch was sent once, never retried').toBe(3);
    expect(warnings, 'the refusal is logged once, not once per batch').toHaveLength(1);
    expect(warnings[0]).toContain('HTTP 400');
    expect(eventsOf(demo, await sessionOf(page)).filter((e) => e.name.startsWith('refused:'))).toEqual([]);
  });

  test('a burst of 100,000 track() calls while the sending side runs: the queue stays within its bound, drops are counted and reported, pagepace adds no long task after it', async ({ page, demo }) => {
    await page.goto('/fixtures/api.html');
    await page.evaluate(async () => {
      const w = window as any;
      // Long tasks, and the long animation frames that say which scripts ran in them.
      w.longTasks = [];
      w.frames = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => w.longTasks.push({ start: e.startTime, duration: e.duration }))).observe({ type: 'longtask' });
      new PerformanceObserver((l) => l.getEntries().forEach((e: any) => w.frames.push({
        start: e.startTime, duration: e.duration, scripts: e.scripts.map((x: any) => ({ url: x.sourceURL, invoker: x.invoker, duration: x.duration })),
      }))).observe({ type: 'long-animation-frame' });
      w.pace = w.PagePace.createPagePace({ endpoint: '/collect', vitals: false });
      w.pace.track('warm', 1);
      await w.pace.flush(); // start-up finished: the sending side's chunk is loaded and has sent a batch
    });
    expect(await page.evaluate(() => (window as any).pace.stats())).toMatchObject({ sent: 1, outbox: 'indexeddb' });
    const r = await page.evaluate(async () => {
      const w = window as any;
      const before = w.pace.stats();
      const t0 = performance.now();
      for (let i = 0; i < 100_000; i++) w.pace.track('burst', i);
      const t1 = performance.now();
      const during = w.pace.stats();
      await w.pace.flush();
      await new Promise((res) => setTimeout(res, 1000));
      // The loop's own task is the caller's. After it only pagepace works: a long task is its doing
      // when one of its scripts ran for over 50 ms in it (a garbage collection alone is the browser's).
      const afterBurst = w.longTasks.filter((t: { start: number }) => t.start >= t1);
      const ours = w.frames.filter((f: any) => f.start + f.duration >= t1).flatMap((f: any) => f.scripts)
        .filter((x: any) => x.url.includes('/dist/pagepace') && x.duration > 50);
      const frames = w.frames.filter((f: any) => f.start + f.duration >= t1);
      return { loopMs: t1 - t0, before, during, after: w.pace.stats(), afterBurst, frames, ours };
    });
    const session = await sessionOf(page);
    // Bounded: MAX_QUEUE (1,000) events wait in the queue, plus the batches handed to delivery
    // before it was full: as many as may be in flight at once (4 of maxEvents = 50).
    expect(r.during.queued - r.before.queued).toBeLessThanOrEqual(1000 + 4 * 50);
    const dropped = r.during.dropped - r.before.dropped;
    expect(dropped).toBeGreaterThanOrEqual(100_000 - (1000 + 4 * 50));
    expect(r.after.dropped - r.before.dropped, 'nothing more is dropped once the burst is over').toBe(dropped);
    const sent = r.after.sent - r.before.sent;
    expect(sent + dropped).toBe(100_000);
    expect(eventsOf(demo, session).filter((e) => e.name === 'burst')).toHaveLength(sent);
    expect(r.ours, 'pagepace tasks over 50 ms after the burst').toEqual([]);
    if (r.afterBurst.length) console.log(`burst: long tasks after it, none pagepace's: ${JSON.stringify({ tasks: r.afterBurst, frames: r.frames })}`);
    // The drop count is reported to the backend: the stats event sent at page hide carries it.
    await page.goto('/fixtures/blank.html');
    const [statsEvent] = await waitForNames(demo, session, ['stats']).then((all) => all.filter((e) => e.kind === 'pagepace' && e.name === 'stats'));
    expect(statsEvent!.attrs!.dropped).toBe(r.after.dropped);
    console.log(`burst: loop ${r.loopMs.toFixed(0)} ms for 100,000 calls (${(r.loopMs / 100).toFixed(2)} µs/call); sent ${sent}, dropped ${dropped}`);
  });

  test('a burst before the sending side has loaded: the early buffer holds 1,000 events and counts the rest as dropped', async ({ page, demo }) => {
    await page.goto('/fixtures/api.html');
    const r = await page.evaluate(async () => {
      const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false });
      for (let i = 0; i < 100_000; i++) pace.track('early-burst', i); // same task: the sending side is a chunk still to come
      const during = pace.stats();
      await pace.flush();
      return { during, after: pace.stats() };
    });
    expect(r.during).toMatchObject({ queued: 0, dropped: 99_000, sent: 0 });
    expect(r.after).toMatchObject({ dropped: 99_000, sent: 1000 });
    expect(eventsOf(demo, await sessionOf(page)).filter((e) => e.name === 'early-burst')).toHaveLength(1000);
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

  test('a corrupt IndexedDB store (the database at a higher version, without the outbox store): metrics still delivered, no page error', async ({ page, demo }) => {
    await page.addInitScript(() => {
      const req = indexedDB.open('pagepace-outbox', 7);
      req.onupgradeneeded = () => req.result.createObjectStore('not-the-outbox');
      req.onsuccess = () => req.result.close();
    });
    await page.goto('/fixtures/delivery.html?n=0');
    const session = await sessionOf(page);
    const stats = await page.evaluate(async () => {
      await (window as any).pace.flush();
      return (window as any).pace.stats();
    });
    expect(stats).toMatchObject({ outbox: 'memory', sent: 3, dropped: 0 });
    expect(await page.evaluate(() => new Promise((r) => {
      const req = indexedDB.open('pagepace-outbox');
      req.onsuccess = () => (r([req.result.version, [...req.result.objectStoreNames]]), req.result.close());
    }))).toEqual([7, ['not-the-outbox']]); // the store really was missing: no silent repair
    await page.goto('/fixtures/blank.html');
    await expectExactlyOnce(demo, session, names([0]));
  });

  test('an outbox holding corrupt entries: they are skipped, and metrics still delivered', async ({ page, demo }) => {
    await page.addInitScript(() => {
      const req = indexedDB.open('pagepace-outbox', 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore('batches');
        store.put('garbage', 'a');
        store.put({ batch: null }, 'b');
        store.put({ batch: { events: 'not a list' }, createdAt: 'yesterday' }, 'c');
      };
      req.onsuccess = () => req.result.close();
    });
    await page.goto('/fixtures/delivery.html?n=0');
    const session = await sessionOf(page);
    await expect.poll(() => page.evaluate(() => (window as any).pace.stats().outbox)).toBe('indexeddb');
    const stats = await page.evaluate(async () => {
      await (window as any).pace.flush();
      return (window as any).pace.stats();
    });
    expect(stats).toMatchObject({ outbox: 'indexeddb', sent: 3, dropped: 0 });
    await page.goto('/fixtures/blank.html');
    await expectExactlyOnce(demo, session, names([0]));
  });

  test('outbox overflow: the oldest batches are dropped, and the dropped event reaches the collector', async ({ page, context, demo }) => {
    await page.goto('/fixtures/api.html');
    await page.evaluate(async () => {
      (window as any).pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, batch: { maxDelayMs: 600_000 } });
      await (window as any).pace.flush(); // the sending side is loaded
    });
    const session = await sessionOf(page);
    await context.setOffline(true);
    // 1,500 events of ~1 KB, 100 at a time: every batch fails and waits in the outbox, which
    // holds 1 MiB; past it the oldest batches go.
    const offline = await page.evaluate(async () => {
      const pace = (window as any).pace;
      const pad = 'p'.repeat(1000);
      for (let round = 0; round < 15; round++) {
        for (let i = 0; i < 100; i++) pace.track(`big:${round * 100 + i}`, i, { pad });
        await pace.flush();
      }
      return pace.stats();
    });
    expect(offline.sent).toBe(0);
    expect(offline.dropped).toBeGreaterThan(0);
    expect(offline.dropped).toBeLessThan(1500);
    await context.setOffline(false); // the online event replays the outbox (batches whose backoff has passed; the rest soon after)
    const reports = () => eventsOf(demo, session).filter((e) => e.kind === 'pagepace' && e.name === 'dropped');
    await expect.poll(async () => {
      const s = await page.evaluate(async () => (await (window as any).pace.flush(), (window as any).pace.stats()));
      return {
        accounted: eventsOf(demo, session).filter((e) => e.name.startsWith('big:')).length + s.dropped,
        unreported: s.dropped - reports().reduce((n, e) => n + e.value, 0),
      };
    }, { timeout: 30_000 }).toEqual({ accounted: 1500, unreported: 0 });
    const stats = await page.evaluate(() => (window as any).pace.stats());
    expect(stats.dropped).toBe(offline.dropped); // nothing more was lost after the network came back
    expect(reports().every((e) => e.attrs?.reason === 'outbox-bytes')).toBe(true);
    const events = eventsOf(demo, session);
    const big = events.filter((e) => e.name.startsWith('big:'));
    expect(new Set(big.map((e) => e.name)).size, 'no duplicates').toBe(big.length);
    expect(big.length + stats.dropped).toBe(1500);
    // The oldest went: every delivered event is newer than every dropped one.
    const first = Math.min(...big.map((e) => Number(e.name.slice(4))));
    expect(first).toBe(stats.dropped);
  });

  test('sampleRate is decided once per session: reloads keep the first decision, whatever the coin says then', async ({ page, context, demo }) => {
    // In: the first load draws 0.2 < 0.5; later loads draw 0.9, which alone would be out.
    await page.goto('/fixtures/delivery/sampled.html?r=0.2&n=0');
    const inSession = await sessionOf(page);
    for (const n of [1, 2]) {
      await page.goto(`/fixtures/delivery/sampled.html?r=0.9&n=${n}`);
      expect(await page.evaluate(() => (window as any).pace.stats().sampled)).toBe(true);
      expect(await sessionOf(page)).toBe(inSession);
    }
    await page.goto('/fixtures/blank.html');
    await expectExactlyOnce(demo, inSession, ['sampled:0', 'sampled:1', 'sampled:2']);
    // Out: another tab (its own session) draws 0.9 first; later loads draw 0.2.
    const other = await context.newPage();
    await other.goto('/fixtures/delivery/sampled.html?r=0.9&n=0');
    const outSession = await sessionOf(other);
    expect(outSession).not.toBe(inSession);
    for (const n of [1, 2]) {
      await other.goto(`/fixtures/delivery/sampled.html?r=0.2&n=${n}`);
      expect(await other.evaluate(() => (window as any).pace.stats().sampled)).toBe(false);
    }
    await other.goto('/fixtures/blank.html');
    await other.waitForTimeout(1000);
    expect(eventsOf(demo, outSession)).toEqual([]);
  });

  for (const stripQuery of [true, false]) {
    test(`privacy.stripQuery ${stripQuery ? 'on: query strings are stripped from' : 'off: query strings are kept in'} the page URL, attribution URLs and resource names`, async ({ page, demo }) => {
      await page.goto(`/fixtures/delivery/privacy.html?token=secret&strip=${stripQuery ? 1 : 0}`);
      const session = await sessionOf(page);
      // web-vitals (attribution build) and the sending side are loaded in idle time; FCP is reported at once then.
      await expect.poll(() => page.evaluate(() => (window as any).metrics.includes('FCP') && !!(window as any).pace.stats().outbox), { timeout: 15_000 }).toBe(true);
      // URLs that are relative, data:, blob: in url("…"), with userinfo or a leading space (issue 15, item 9).
      const probe = { rel: 'img/hero.png?token=secret', up: '../x.js?token=secret', data: 'data:text/plain,token=secret', css: 'url("blob:http://127.0.0.1/u#token=secret")', user: ' http://alice:token=secret@127.0.0.1/a' };
      await page.evaluate((attrs) => (window as any).pace.track('privacy:probe', 1, attrs), probe);
      await page.goto('/fixtures/blank.html'); // page hide: LCP and the resource summary go
      const events = await waitForNames(demo, session, ['LCP', 'resources', 'privacy:probe']);
      expect(events.find((e) => e.name === 'privacy:probe')!.attrs).toEqual(stripQuery
        ? { rel: 'img/hero.png', up: '../x.js', data: 'data:text/plain', css: 'blob:http://127.0.0.1/u', user: 'http://127.0.0.1/a' }
        : probe);
      const hero = `${demo.url}/fixtures/delivery/hero.svg`;
      const secret = '?delay=300&token=secret';
      const lcp = events.find((e) => e.name === 'LCP')!;
      const resource = events.find((e) => e.kind === 'resource' && e.name.startsWith(hero));
      const batches = demo.store.list().filter((b) => b.batch.sessionId === session).map((b) => b.batch);
      if (stripQuery) {
        expect(lcp.attrs!['attribution.url']).toBe(hero);
        expect(resource?.name).toBe(hero);
        expect(batches.map((b) => b.page)).toEqual(batches.map(() => `${demo.url}/fixtures/delivery/privacy.html`));
        expect(JSON.stringify(batches), 'the secret is nowhere in what was sent').not.toContain('token=secret');
      } else {
        expect(lcp.attrs!['attribution.url']).toBe(hero + secret);
        expect(resource?.name).toBe(hero + secret);
        expect(batches[0]!.page).toContain('?token=secret&strip=0');
      }
    });
  }

  test('with format otlp, a page left before the sending side has loaded only journals: the next load sends it as OTLP, once', async ({ page, demo }) => {
    await page.route(/pagepace\.sender\.js/, () => {}); // the chunk never arrives in this page
    await page.goto('/fixtures/delivery/otlp.html?n=0');
    const session = await sessionOf(page);
    await page.unroute(/pagepace\.sender\.js/);
    const mine = () => demo.otlp().filter((r) => JSON.stringify(r).includes(session));
    await page.goto('/fixtures/delivery/otlp.html?n=1'); // a pagehide before: sendEarly ran, then this load replays the journal
    const points = (name: string) => mine().flatMap((r) => r.resourceMetrics?.flatMap((rm: any) => rm.scopeMetrics.flatMap((sm: any) => sm.metrics)) ?? [])
      .filter((m: any) => m.name === name).flatMap((m: any) => m.gauge.dataPoints);
    await expect.poll(() => [0, 1, 2].map((i) => points(`pagepace.otlp:0:${i}`).length), { timeout: 15_000 }).toEqual([1, 1, 1]);
    expect(mine().filter((r) => !r.resourceMetrics), 'pagepace JSON posted to the OTLP endpoint').toEqual([]);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('pagepace:unload:')))).toEqual([]);
  });

  for (const via of ['fetchLater', 'beacon', 'fetch'] as const) {
    const refuse = via === 'fetch';
    // One request per hide: fetchLater({ activateAfter: 0 }) where the browser has it, at the
    // visibilitychange that follows a visible page's pagehide; else a beacon, else (a refused
    // beacon) a keepalive fetch.
    const expectHideSends = async (page: Page) => {
      const log = await takeSendLog(page);
      expect(log).toEqual(
        via === 'fetchLater' ? [{ via, path: '/collect', activateAfter: 0 }]
          : refuse ? [{ via: 'beacon', path: '/collect', ok: false }, { via: 'fetch', path: '/collect', keepalive: true }]
            : [{ via: 'beacon', path: '/collect', ok: true }],
      );
    };
    test({
      fetchLater: 'page hide goes by fetchLater({ activateAfter: 0 }) where the browser has it, one request, counted in stats().deferred',
      beacon: 'without fetchLater, page hide goes by sendBeacon, one request, counted in stats().beacons',
      fetch: 'a beacon the browser refuses falls back to fetch({ keepalive: true }), counted as a fetch',
    }[via], async ({ page, demo }) => {
      await page.addInitScript(spyOnSends, { refuseBeacons: refuse, noFetchLater: via !== 'fetchLater' });
      const loaded = () => expect.poll(() => page.evaluate(() => (window as any).pace.stats().outbox)).toBe('indexeddb');
      // A real navigation away.
      await page.goto('/fixtures/delivery.html?n=0');
      const session = await sessionOf(page);
      await loaded();
      await page.goto('/fixtures/blank.html');
      await expectHideSends(page);
      await expectExactlyOnce(demo, session, names([0]));
      // Page hide in a page that stays, so its counters can be read.
      await page.goto('/fixtures/delivery.html?n=1');
      await loaded();
      const [before, after] = await page.evaluate(() => {
        const pace = (window as any).pace;
        const before = pace.stats();
        // As the browser does when a visible page is left: pagehide, then the visibilitychange.
        dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
        return [before, pace.stats()];
      });
      await expectHideSends(page);
      const d = (k: string) => after[k] - before[k];
      expect({ deferred: d('deferred'), beacons: d('beacons'), fetches: d('fetches'), unload: after.unload })
        .toEqual({ deferred: via === 'fetchLater' ? 1 : 0, beacons: via === 'beacon' ? 1 : 0, fetches: refuse ? 1 : 0, unload: via });
      // The 3 events, the stats and what the sources report at hide (resources, overhead), in that one request.
      expect(d('sent')).toBeGreaterThanOrEqual(4);
      await expectExactlyOnce(demo, session, names([0, 1]));
    });
  }
});
