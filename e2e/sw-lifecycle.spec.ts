import { expect, test } from './fixtures';
import { buildSwClient, l2Keys, openControlled, pageUrl, swStats } from './fixtures/sw/helpers';

test.beforeAll(async () => {
  await buildSwClient();
});

const controller = (page: import('@playwright/test').Page) => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '');

test('a new worker version is reported as an update and takes over when asked', async ({ page }) => {
  await openControlled(page, pageUrl(undefined, '&v=1'));
  expect(await controller(page)).toContain('v=1');
  expect(await page.evaluate(() => (window as any).sw.updateAvailable)).toBe(false);

  // The next deploy: the same page registers a new version of the worker.
  await page.goto(pageUrl(undefined, '&v=2'));
  await page.waitForFunction(() => (window as any).updates === 1);
  expect(await page.evaluate(() => (window as any).sw.updateAvailable)).toBe(true);
  expect(await controller(page)).toContain('v=1'); // waits: the page is still the old worker's
  const events = page.evaluate(() => new Promise<string>((resolve) => (window as any).sw.addEventListener('controlling', () => resolve('controlling'))));

  expect(await page.evaluate(() => (window as any).sw.activateUpdate())).toBe(true);
  expect(await events).toBe('controlling');
  expect(await controller(page)).toContain('v=2');
  expect((await swStats(page)).scriptURL).toContain('v=2');
  // The new worker finds the old one's L2 entries.
  await page.reload();
  expect((await swStats(page)).tiers.l2.hits).toBeGreaterThanOrEqual(1);
});

test('an option the page did not give is not read from a polluted Object.prototype', async ({ page }) => {
  // page.html gives url, scope, config, onUpdate and onError, not timeoutMs: an inherited 0 would
  // make every question to the worker time out at once.
  await page.addInitScript(() => ((Object.prototype as Record<string, unknown>).timeoutMs = 0));
  await openControlled(page);
  expect((await swStats(page))?.tiers).toBeTruthy();
});

for (const [policy, registers] of [['pagepace', true], ["'none'", false]] as const) {
  test(`under Trusted Types allowing ${policy}, registerServiceWorker ${registers ? 'registers the worker' : 'reports the refusal to onError and the page carries on'}`, async ({ page }) => {
    // Before: the script URL was a plain string, which register() refuses under require-trusted-types-for.
    await page.route('**/fixtures/sw/page.html*', async (route) => {
      const r = await route.fetch();
      await route.fulfill({ response: r, headers: { ...r.headers(), 'content-security-policy': `require-trusted-types-for 'script'; trusted-types ${policy}` } });
    });
    await page.goto(pageUrl());
    expect(await page.evaluate(async () => !!(await (window as any).sw.ready)?.active)).toBe(registers);
    expect(await page.evaluate(() => (window as any).swError ?? '')).toMatch(registers ? /^$/ : /TrustedScriptURL/);
  });
}

test('precache: warmed on install, served offline, old revisions cleaned on activate', async ({ page, context }) => {
  const cfg = (rev: string) => ({ precache: [{ url: 'assets/data.json', revision: rev }], offlineUrl: 'offline.html' });
  const base = new URL('/fixtures/sw/', (await page.goto('/fixtures/sw/assets/data.json'))!.url()).href;
  await page.goto(pageUrl(cfg('1')));
  await page.evaluate(() => (window as any).sw.ready);
  // Installed: both are in L2 before any controlled request.
  expect((await l2Keys(page)).sort()).toEqual([`${base}assets/data.json#rev=1`, `${base}offline.html`]);

  await page.reload();
  await context.setOffline(true);
  const data = await page.evaluate(async () => (await fetch('assets/data.json')).json());
  expect(data).toEqual({ value: 1 });
  await page.goto('/fixtures/sw/never-seen.html');
  await expect(page.locator('#offline')).toHaveText('You are offline (pagepace fixture)');
  await context.setOffline(false);

  // Revision 2 installs beside revision 1; activating it removes revision 1.
  await page.goto(pageUrl(cfg('2')));
  await page.waitForFunction(() => (window as any).updates === 1);
  expect(await l2Keys(page)).toEqual(expect.arrayContaining([`${base}assets/data.json#rev=1`, `${base}assets/data.json#rev=2`]));
  expect(await page.evaluate(() => (window as any).sw.activateUpdate())).toBe(true);
  await expect.poll(async () => (await l2Keys(page)).filter((k) => k.includes('#rev='))).toEqual([`${base}assets/data.json#rev=2`]);
});

test('registration waits for the load event and a bad config is reported, not thrown', async ({ page }) => {
  await page.addInitScript(() => {
    const sw = navigator.serviceWorker;
    const register = sw.register.bind(sw);
    sw.register = (...args: Parameters<typeof register>) => {
      (window as any).registeredWhen = document.readyState;
      return register(...args);
    };
  });
  await openControlled(page, pageUrl({ routes: [{ strategy: 'fastest', pattern: 'x' }], ttlMs: -5 }));
  expect(await page.evaluate(() => (window as any).registeredWhen)).toBe('complete');
  const s = await swStats(page);
  expect(s.problems).toEqual([
    'ttlMs must be a number from 0 to 315360000000',
    'routes[0].strategy must be one of cache-first, network-first, stale-while-revalidate, network-only',
  ]);
  // Defaults still apply: the assets were cached.
  await expect.poll(async () => (await swStats(page)).l2.entries).toBeGreaterThanOrEqual(4);
});
