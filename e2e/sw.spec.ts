import { chromium } from '@playwright/test';
import { eventsOf, expect, sessionOf, test } from './fixtures';
import { buildSwClient, l2Keys, l2Record, openControlled, pageUrl, swStats } from './fixtures/sw/helpers';

test.beforeAll(async () => {
  await buildSwClient();
});

test.describe('pagepace service worker', () => {
  test('a controlled page reloads offline with its assets, from the cache', async ({ page, context }) => {
    await openControlled(page);
    // The controlled load stored the page and its assets: wait until L2 holds all four.
    await expect.poll(async () => (await swStats(page)).l2.entries).toBeGreaterThanOrEqual(4);
    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('#title')).toHaveCSS('color', 'rgb(0, 128, 0)');
    await expect(page.locator('html')).toHaveAttribute('data-app', 'loaded');
    expect(await page.locator('#logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(32);
    const s = await swStats(page);
    expect(s.tiers.l1.hits).toBeGreaterThanOrEqual(3);
    expect(s.errors).toBe(0);
    // A page never visited gets the offline page, not a browser error.
    const res = await page.goto('/fixtures/sw/never-seen.html');
    expect(res?.status()).toBe(503);
    await expect(page.locator('body')).toContainText('You are offline');
  });
});

test.describe('what is never cached', () => {
  test('no-store responses and POST requests always go to the network', async ({ page, context }) => {
    // The origin answers with a counter in the body, so a cached answer would repeat a number.
    let n = 0;
    await context.route(/\/fixtures\/sw\/dyn\//, (route) => route.fulfill({
      status: route.request().url().includes('missing') ? 404 : 200,
      headers: {
        'content-type': 'text/plain',
        'cache-control': route.request().url().includes('nostore') ? 'no-store' : route.request().url().includes('private') ? 'private, max-age=60' : 'no-cache',
      },
      body: String(++n),
    }));
    await openControlled(page, pageUrl({ routes: [{ pattern: '/dyn/', strategy: 'cache-first' }] }));
    const bodies = await page.evaluate(async () => {
      const text = async (url: string, init?: RequestInit) => (await fetch(url, init)).text();
      const out: string[] = [];
      for (const url of ['dyn/nostore', 'dyn/nostore', 'dyn/plain', 'dyn/plain', 'dyn/private', 'dyn/private', 'dyn/missing', 'dyn/missing']) out.push(await text(url));
      for (let i = 0; i < 2; i++) out.push(await text('dyn/post', { method: 'POST', body: 'x' }));
      return out;
    });
    // no-store: 1, 2 — fresh each time; plain: 3, then 3 again from the cache; private, 404, POST: fresh each time.
    expect(bodies).toEqual(['1', '2', '3', '3', '4', '5', '6', '7', '8', '9']);
    const s = await swStats(page);
    expect(s.refused).toEqual({ 'no-store': 2, private: 2, status: 2 });
  });
});

test.describe('tiers', () => {
  test('after the browser stops the worker, assets come from L2 (IndexedDB)', async ({ launchOptions, baseURL }, testInfo) => {
    // Not CDP: on Chromium 156.0.8078.79, ServiceWorker.stopAllWorkers crashed the browser
    // (SIGTRAP) in about 2 of 12 runs, and ServiceWorker.stopWorker({ versionId }) (the version id
    // from ServiceWorker.workerVersionUpdated) crashes it too: 2 of 40 runs reloading as soon as
    // the worker reported "stopped", 2 of 60 with a 1 s pause first (--repeat-each, SIGTRAP each
    // time, as the reload started the stopped worker again). Closing the browser stops the worker
    // for sure; a persistent profile keeps its IndexedDB for the second launch, as a user's
    // browser does across a restart.
    const profile = testInfo.outputPath('profile');
    const open = () => chromium.launchPersistentContext(profile, { ...launchOptions, baseURL });
    let context = await open();
    const first = context.pages()[0] ?? (await context.newPage());
    await openControlled(first);
    await expect.poll(async () => (await swStats(first)).l2.entries).toBeGreaterThanOrEqual(4);
    const before = await swStats(first);
    await context.close();
    context = await open();
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pageUrl());
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await page.evaluate(() => (window as any).sw.ready);
    await expect(page.locator('#title')).toHaveCSS('color', 'rgb(0, 128, 0)');
    await expect(page.locator('html')).toHaveAttribute('data-app', 'loaded');
    const after = await swStats(page);
    expect(after.since).toBeGreaterThan(before.since); // a fresh worker: L1 started empty
    expect(after.tiers.l1.hits).toBe(0);
    expect(after.tiers.l2.hits).toBeGreaterThanOrEqual(3); // style, script, image (and the client bundle)
    expect(after.tiers.l2.p50).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a corrupt or half-missing L2 entry is a miss, never an error for the page', async ({ page }) => {
    await openControlled(page, pageUrl({ routes: [{ pattern: '/data\\.json$', strategy: 'cache-first' }] }));
    const url = new URL('/fixtures/sw/assets/data.json', page.url()).href;
    const json = () => page.evaluate(async () => (await fetch('assets/data.json')).json());
    expect(await json()).toEqual({ value: 1 });
    await expect.poll(() => l2Keys(page)).toContain(url);
    await l2Record(page, `b:${url}`, new Uint8Array([1, 2, 3]).buffer); // body shorter than its meta says
    await page.evaluate(() => (window as any).sw.clear('l1'));
    expect(await json()).toEqual({ value: 1 });
    await l2Record(page, `m:${url}`, 'garbage');
    await page.evaluate(() => (window as any).sw.clear('l1'));
    expect(await json()).toEqual({ value: 1 });
    const s = await swStats(page);
    expect(s.tiers.l2.misses).toBeGreaterThanOrEqual(3);
    expect(s.errors).toBe(0);
  });

  test('with the origin quota shrunk, L2 evicts least recently used entries and keeps serving', async ({ page, context }) => {
    const names = await makeBigFiles(16, 256 * 1024);
    // The quota is read when storage is first opened: shrink it before the worker exists. The override
    // lasts as long as the CDP session that set it, so that stays open. (estimate() does not reflect
    // it in these contexts: the worker learns the limit from QuotaExceededError.)
    await page.goto('/fixtures/sw/assets/data.json');
    const quota = 1.5 * 1024 * 1024;
    const session = await context.newCDPSession(page);
    await session.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: quota });
    await openControlled(page, pageUrl({ routes: [{ pattern: '/big/', strategy: 'cache-first' }] }));
    const sizes = await page.evaluate(async (names) => {
      const out: number[] = [];
      for (const n of names) out.push((await (await fetch(`build/big/${n}`)).arrayBuffer()).byteLength);
      return out;
    }, names);
    expect(sizes).toEqual(names.map(() => 256 * 1024));
    // Every write has settled once L2's figures stop moving. (Where the engine frees deleted space at
    // once, L2 cycles through the files and ends holding the newest; where it frees it late, as
    // Chromium 150 does, L2 evicts once, then keeps what it holds.)
    let before = '';
    await expect.poll(async () => {
      const now = JSON.stringify([(await swStats(page)).l2, await l2Keys(page)]);
      const settled = now === before;
      before = now;
      return settled;
    }, { timeout: 20_000, intervals: [1000] }).toBe(true);
    const s = await swStats(page);
    expect(s.l2.quotaErrors).toBeGreaterThan(0);
    expect(s.l2.evictions).toBeGreaterThan(0);
    expect(s.l2.bytes).toBeLessThanOrEqual(quota);
    expect(s.l2.entries).toBeGreaterThanOrEqual(2); // evicted some, never wiped
    const keys = await l2Keys(page);
    expect(keys).not.toContain(new URL(`/fixtures/sw/build/big/${names[0]}`, page.url()).href); // the oldest went first
    // Still serving, from L2 once L1 is emptied: the newest file L2 holds.
    const held = names.filter((n) => keys.includes(new URL(`/fixtures/sw/build/big/${n}`, page.url()).href)).at(-1)!;
    await page.evaluate(() => (window as any).sw.clear('l1'));
    const again = await page.evaluate(async (n) => (await (await fetch(`build/big/${n}`)).arrayBuffer()).byteLength, held);
    expect(again).toBe(256 * 1024);
    expect((await swStats(page)).tiers.l2.hits).toBe(s.tiers.l2.hits + 1);
  });
});

test.describe('stats', () => {
  test('tier stats reach stats().sw of createPagePace and go out in the pagepace/stats beacon', async ({ page, demo }) => {
    // L1 holds two of the four assets (an entry is its body, kept headers and 128 bytes): reading
    // all four evicts from L1, and L2 answers for what L1 lost.
    const serviceWorker = {
      url: '/pagepace-sw.js',
      config: { routes: [{ pattern: '/fixtures/sw/assets/', strategy: 'cache-first' }], l1Bytes: 600 },
    };
    const assets = ['data.json', 'app.js', 'style.css', 'logo.svg'].map((a) => `/fixtures/sw/assets/${a}`);
    // First visit: pagepace registers the worker (no endpoint yet: nothing is sent from this page).
    await page.goto('/fixtures/api.html');
    await page.evaluate((sw) => (window as any).PagePace.createPagePace({ vitals: false, lazy: false, prefetch: false, serviceWorker: sw }), serviceWorker);
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.state)), { timeout: 15_000 }).toBe('activated');
    await page.reload();
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);

    // Controlled: every asset from the network once, then each twice (L2 or L1, then L1).
    const fetchAll = (urls: string[]) => page.evaluate(async (urls) => {
      for (const u of urls) await (await fetch(u)).arrayBuffer();
    }, urls);
    await fetchAll(assets);
    await expect.poll(async () => (await l2Keys(page)).filter((k) => k.includes('/fixtures/sw/assets/')).length).toBe(4);
    await fetchAll(assets.flatMap((a) => [a, a]));

    // pagepace asks the worker for its stats once it is ready, then every 10 s.
    await page.evaluate((sw) => {
      const w = window as any;
      w.pace = w.PagePace.createPagePace({ endpoint: '/collect', vitals: false, lazy: false, prefetch: false, serviceWorker: sw });
      // Runs right after pagepace's own listeners, in the same task: what stats() said as the beacon was made.
      const keep = () => localStorage.getItem('sw-at-hide') ?? localStorage.setItem('sw-at-hide', JSON.stringify(w.pace.stats().sw));
      document.addEventListener('visibilitychange', keep);
      addEventListener('pagehide', keep);
    }, serviceWorker);
    await expect.poll(() => page.evaluate(() => (window as any).pace.stats().sw), { timeout: 15_000 }).toBeTruthy();
    const sw = await page.evaluate(() => (window as any).pace.stats().sw);
    expect(sw).toMatchObject({
      l1Hits: expect.any(Number), l1Misses: expect.any(Number), l1P50: expect.any(Number),
      l2Hits: expect.any(Number), l2Misses: expect.any(Number), l2P50: expect.any(Number),
      networkHits: expect.any(Number), networkMisses: 0, networkP50: expect.any(Number),
      l1Bytes: expect.any(Number), l2Bytes: expect.any(Number), l2Entries: expect.any(Number),
      evictions: expect.any(Number), quotaErrors: 0, errors: 0,
    });
    expect(sw.l1Hits).toBeGreaterThanOrEqual(4); // the second read of each asset
    expect(sw.l2Hits).toBeGreaterThanOrEqual(2); // what L1 had evicted
    expect(sw.l1Misses).toBeGreaterThanOrEqual(4 + sw.l2Hits);
    expect(sw.l2Misses).toBeGreaterThanOrEqual(4);
    expect(sw.networkHits).toBeGreaterThanOrEqual(4);
    expect(sw.l2P50).toBeGreaterThan(0);
    expect(sw.networkP50).toBeGreaterThan(0);
    expect(sw.l1Bytes).toBeGreaterThan(0);
    expect(sw.l1Bytes).toBeLessThanOrEqual(600);
    expect(sw.l2Bytes).toBeGreaterThan(sw.l1Bytes);
    expect(sw.l2Entries).toBeGreaterThanOrEqual(4);
    expect(sw.evictions).toBeGreaterThanOrEqual(2);

    // Leaving the page sends the stats event; its attrs carry the same figures as sw.<name>.
    const session = await sessionOf(page);
    await page.goto('/fixtures/blank.html');
    const atHide = await page.evaluate(() => JSON.parse(localStorage.getItem('sw-at-hide') ?? 'null'));
    // (pagepace may have asked the worker again since: its counters only grow.)
    for (const k of ['l1Hits', 'l1Misses', 'l2Hits', 'l2Misses', 'networkHits', 'evictions']) expect(atHide[k]).toBeGreaterThanOrEqual(sw[k]);
    // The beacon normally arrives at once. In full-suite runs of a fresh clone, Chromium 156 said
    // a beacon from this service-worker-controlled page was queued (sendBeacon → true, stats().beacons
    // 1) yet it never reached the collector, in 5 runs of 5; the journal holds its copy, and the
    // next page load of pagepace sends it (the collector keeps one if both arrive). That next
    // load is part of the guarantee, so the test makes it.
    await page.goto('/fixtures/api.html');
    await page.evaluate(() => (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, lazy: false, prefetch: false }));
    const statsEvent = async () => eventsOf(demo, session).filter((e) => e.kind === 'pagepace' && e.name === 'stats').at(-1);
    // Said in full if it never comes: what the collector did get, and what waits in the journal.
    const diagnosis = async () => JSON.stringify({
      received: eventsOf(demo, session).map((e) => `${e.kind}:${e.name}`),
      journal: await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('pagepace:'))),
    });
    await expect.poll(statsEvent, { timeout: 10_000 }).toBeTruthy().catch(async (err) => {
      throw new Error(`no pagepace/stats event reached the collector: ${await diagnosis()}\n${err}`);
    });
    const attrs = (await statsEvent())!.attrs!;
    expect(Object.fromEntries(Object.entries(attrs).filter(([k]) => k.startsWith('sw.')))).toEqual(
      Object.fromEntries(Object.entries(atHide).map(([k, v]) => [`sw.${k}`, v])),
    );
  });
});

test.describe('revalidation and control from the page', () => {
  test('a stale entry is revalidated with If-None-Match; a 304 keeps the body and restarts its age', async ({ page, context }) => {
    const seen: Array<string | null> = [];
    await context.route(/\/fixtures\/sw\/dyn\/etag/, (route) => {
      const inm = route.request().headers()['if-none-match'] ?? null;
      seen.push(inm);
      if (inm === '"v1"') return route.fulfill({ status: 304, headers: { etag: '"v1"' } });
      return route.fulfill({ status: 200, headers: { etag: '"v1"', 'content-type': 'text/plain', 'cache-control': 'no-cache' }, body: 'first' });
    });
    // TTL 0: every use of the entry revalidates first.
    await openControlled(page, pageUrl({ routes: [{ pattern: '/dyn/', strategy: 'cache-first', ttlMs: 0 }] }));
    const url = new URL('/fixtures/sw/dyn/etag', page.url()).href;
    const text = () => page.evaluate(async () => (await fetch('dyn/etag')).text());
    expect(await text()).toBe('first');
    await expect.poll(() => l2Keys(page)).toContain(url);
    const storedAt = (await l2Record(page, `m:${url}`)).storedAt as number;
    expect(await text()).toBe('first');
    expect(await text()).toBe('first');
    expect(seen).toEqual([null, '"v1"', '"v1"']);
    await expect.poll(async () => (await l2Record(page, `m:${url}`)).storedAt).toBeGreaterThan(storedAt);
    expect(await swStats(page)).toMatchObject({ revalidations: 2, notModified: 2 });
  });

  test('the page invalidates by URL pattern and clears a tier', async ({ page }) => {
    await openControlled(page);
    await expect.poll(async () => (await swStats(page)).l2.entries).toBeGreaterThanOrEqual(4);
    const before = await swStats(page);
    expect(await page.evaluate(() => (window as any).sw.invalidate(/\.css$/))).toBe(1);
    const keys = await l2Keys(page);
    expect(keys.some((k) => k.endsWith('.css'))).toBe(false);
    expect(keys.some((k) => k.endsWith('.svg'))).toBe(true);
    await page.evaluate(() => (window as any).sw.clear('l1'));
    let s = await swStats(page);
    expect(s.l1.entries).toBe(0);
    expect(s.l2.entries).toBe(before.l2.entries - 1);
    await page.evaluate(() => (window as any).sw.clear('all'));
    s = await swStats(page);
    expect([s.l1.entries, s.l2.entries, s.l2.bytes]).toEqual([0, 0, 0]);
    expect(await l2Keys(page)).toEqual([]);
  });
});

/** Incompressible files under e2e/fixtures/sw/build/big/ (served at /fixtures/sw/build/big/). */
async function makeBigFiles(count: number, bytes: number): Promise<string[]> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { randomBytes } = await import('node:crypto');
  const dir = new URL('./fixtures/sw/build/big/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const names = Array.from({ length: count }, (_, i) => `${i}.bin`);
  await Promise.all(names.map((n) => writeFile(new URL(n, dir), randomBytes(bytes))));
  return names;
}
