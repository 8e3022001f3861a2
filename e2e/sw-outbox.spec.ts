import { eventsOf, expect, sessionOf, test } from './fixtures';

const config = { endpoint: '/collect', vitals: false, lazy: false, prefetch: false };

test('the service worker replays the outbox by Background Sync, with no page of the site open', async ({ page, context, demo }) => {
  // 1. pagepace registers its service worker; a reload puts the page under its control.
  await page.goto('/fixtures/api.html');
  await page.evaluate((c) => (window as any).PagePace.createPagePace({ ...c, serviceWorker: { url: '/pagepace-sw.js' } }), config);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.state)), { timeout: 15_000 }).toBe('activated');
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  const session = await sessionOf(page);
  // pagepace's sending side (a chunk it loads in idle time) has come, and the worker cached it,
  // as on any visit after the first.
  await expect.poll(() => page.evaluate((c) => ((window as any).first ??= (window as any).PagePace.createPagePace(c)).stats().outbox, config)).toBe('indexeddb');

  // 2. Offline: the send fails, the batch is parked in the IndexedDB outbox and a sync is requested.
  await context.setOffline(true);
  const stats = await page.evaluate(async (c) => {
    const pace = (window as any).PagePace.createPagePace(c);
    pace.track('sw:replayed', 7);
    await pace.flush();
    const s = pace.stats();
    // No page-hide path either (offline emulation does not hold back a beacon that outlives its
    // page): the batch now exists only in the IndexedDB outbox.
    await pace.destroy();
    return s;
  }, config);
  expect(stats).toMatchObject({ sent: 0, outbox: 'indexeddb' });
  expect(stats.retried).toBeGreaterThanOrEqual(1);

  // 3. Leave the site: from here on only the service worker can deliver it.
  await page.goto('about:blank');
  await page.waitForTimeout(500);
  expect(eventsOf(demo, session).map((e) => e.name)).not.toContain('sw:replayed');
  await context.setOffline(false);

  // 4. Back online, the browser fires the sync by itself; if it has not yet, CDP fires it now.
  const arrived = () => eventsOf(demo, session).filter((e) => e.name === 'sw:replayed').length;
  await page.waitForTimeout(2000);
  if (!arrived()) {
    const cdp = await context.newCDPSession(page);
    const regs: Array<{ registrationId: string; scopeURL: string }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => regs.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    await expect.poll(() => regs.some((r) => r.scopeURL.startsWith(demo.url))).toBe(true);
    const reg = regs.find((r) => r.scopeURL.startsWith(demo.url))!;
    await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: demo.url, registrationId: reg.registrationId, tag: 'pagepace-outbox', lastChance: false });
  }
  await expect.poll(arrived, { timeout: 10_000 }).toBe(1);
  const entry = demo.store.list().find((b) => b.batch.events.some((e) => e.name === 'sw:replayed'))!;
  expect(entry.meta.contentType).toMatch(/^application\/json/); // the worker sends the outbox as JSON
});
