import { chromium } from '@playwright/test';
import { expect, test } from './fixtures';
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
    // CDP's ServiceWorker.stopAllWorkers crashes Chromium 156 (SIGTRAP) now and then. Closing
    // the browser stops the worker for sure; a persistent profile keeps its IndexedDB for the
    // second launch, as a user's browser does across a restart.
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
    // And the stats become beacon events.
    const events = await page.evaluate((s) => (window as any).ppsw.swStatsEvents(s), after);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'sw', name: 'sw.l2.hits', value: after.tiers.l2.hits }));
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
    // Every write has settled once L2 holds the newest file.
    const last = new URL(`/fixtures/sw/build/big/${names.at(-1)}`, page.url()).href;
    await expect.poll(() => l2Keys(page), { timeout: 15_000 }).toContain(last);
    const s = await swStats(page);
    expect(s.l2.quotaErrors).toBeGreaterThan(0);
    expect(s.l2.evictions).toBeGreaterThan(0);
    expect(s.l2.bytes).toBeLessThanOrEqual(quota);
    expect(s.l2.entries).toBeGreaterThanOrEqual(2); // evicted some, never wiped
    const keys = await l2Keys(page);
    expect(keys).not.toContain(new URL(`/fixtures/sw/build/big/${names[0]}`, page.url()).href); // the oldest went first
    // Still serving, from L2 once L1 is emptied.
    await page.evaluate(() => (window as any).sw.clear('l1'));
    const again = await page.evaluate(async (n) => (await (await fetch(`build/big/${n}`)).arrayBuffer()).byteLength, names.at(-1)!);
    expect(again).toBe(256 * 1024);
    expect((await swStats(page)).tiers.l2.hits).toBe(s.tiers.l2.hits + 1);
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
