import { expect, test } from './fixtures';

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
