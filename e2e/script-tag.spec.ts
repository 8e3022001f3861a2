import { fileURLToPath } from 'node:url';
import { expect, sessionOf, test, waitForNames } from './fixtures';

test('the script tag exposes PagePace and starts itself from data-endpoint', async ({ page }) => {
  await page.goto('/vitals.html');
  const api = await page.evaluate(() => ({
    keys: Object.keys((window as any).PagePace).sort(),
    started: typeof (window as any).PagePace.instance?.flush === 'function',
    isError: new (window as any).PagePace.PagePaceError('x', 'm').name,
  }));
  expect(api.keys).toEqual(expect.arrayContaining(['createPagePace', 'PagePaceError', 'instance', 'PROTOCOL_VERSION']));
  expect(api.started).toBe(true);
  expect(api.isError).toBe('PagePaceError');
});

test('a bad data-* attribute is reported clearly and breaks nothing', async ({ page }) => {
  const logs: string[] = [];
  page.on('console', (m) => m.type() === 'error' && logs.push(m.text()));
  await page.setContent('<script src="/dist/pagepace.iife.js" data-endpoint="/collect" data-sample-rate="half"></script><p id="ok">page still works</p>');
  await page.goto('/fixtures/blank.html');
  await page.setContent(`<body><script src="${new URL('/dist/pagepace.iife.js', page.url())}" data-endpoint="/collect" data-sample-rate="half"></script><p id="ok">page still works</p></body>`);
  await expect(page.locator('#ok')).toBeVisible();
  await expect.poll(() => logs).toContain('pagepace: data-sample-rate (sampleRate) must be a number from 0 to 1; received "half".');
  expect(await page.evaluate(() => (window as any).PagePace.instance)).toBeUndefined();
});

test('from a CDN (another origin, no crossorigin attribute) every lazy part still loads and every batch is binary', async ({ page, demo }) => {
  // Before: import() in a classic script fetched without CORS resolves against about:blank, so
  // every chunk failed ("Failed to resolve module specifier './pagepace.sender.js'"): no sending
  // side, no web-vitals, no lazy loading; one JSON beacon at the hide was all that went.
  const dist = new URL('../dist/', import.meta.url);
  await page.route('https://cdn.pagepace.test/**', (r) => r.fulfill({
    path: fileURLToPath(new URL(new URL(r.request().url()).pathname.replace(/^\/pagepace\//, ''), dist)),
    headers: { 'Content-Type': 'text/javascript', 'Access-Control-Allow-Origin': '*' }, // what a CDN sends
  }));
  await page.route('**/fixtures/cdn.html', (r) => r.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><script src="https://cdn.pagepace.test/pagepace/pagepace.iife.js" data-endpoint="/collect"></script>
      <img data-src="/fixtures/sw/assets/logo.svg?cdn" width="40" height="40" alt=""><button id="work">work</button>`,
  }));
  await page.goto('/fixtures/cdn.html');
  await page.click('#work');
  await expect.poll(() => page.evaluate(() => (window as any).PagePace.instance.stats().lazy?.loaded ?? 0)).toBe(1);
  await page.evaluate(() => (window as any).PagePace.instance.track('cdn:event', 1));
  const session = await sessionOf(page);
  await page.goto('/fixtures/blank.html');
  await waitForNames(demo, session, ['cdn:event', 'LCP']);
  const mine = demo.store.list().filter((e) => e.batch.sessionId === session);
  expect(mine.map((e) => e.meta.contentType).filter((t) => !t.startsWith('application/vnd.pagepace+binary'))).toEqual([]);
});
