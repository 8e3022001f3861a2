import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/loading/test';
import type { LoadingServer } from './fixtures/loading/test';

/** Paths of /site/ pages the server received as prefetches (Sec-Purpose: prefetch). */
const prefetched = (ls: LoadingServer) => ls.requests.filter((r) => r.path.startsWith('/site/') && /prefetch/.test(r.purpose ?? '')).map((r) => r.path).sort();
const anySite = (ls: LoadingServer) => ls.requests.filter((r) => r.path.startsWith('/site/')).map((r) => r.path);
const opts = (page: Page, o: object) => page.addInitScript((o) => ((window as any).PP_OPTS = o), o);
/** Resolves after the page has been idle twice: the prefetcher's idle-time work has run. */
const idle = (page: Page) => page.evaluate(() => new Promise((r) => requestIdleCallback(() => requestIdleCallback(r))));

test('in-view links are prefetched by Speculation Rules; ignored, opted-out, other-origin and far links never are', async ({ page, ls }) => {
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await expect.poll(() => prefetched(ls), { timeout: 5000 }).toEqual(['/site/a', '/site/b']);
  expect(await page.evaluate(() => (window as any).pf.stats())).toMatchObject({ mechanism: 'speculationrules', prefetched: 2, page: 2, allowed: true });
  await expect(page.locator('script[type=speculationrules]')).toHaveCount(2);
  await idle(page);
  await page.waitForTimeout(300);
  expect(anySite(ls).sort()).toEqual(['/site/a', '/site/b']); // nothing else, not even without the header

  // Following a prefetched link is a hit, reported by the next page.
  await page.click('#a');
  await page.waitForURL('**/site/a');
  await page.waitForFunction(() => (window as any).pf);
  expect(ls.requests.filter((r) => r.path === '/site/a')).toHaveLength(1); // served from the prefetch
  expect(await page.evaluate(() => (window as any).ppEvents)).toEqual([expect.objectContaining({ kind: 'prefetch', name: 'prefetch.hit', value: 1, attrs: { trigger: 'viewport' } })]);
  const s = await page.evaluate(() => (window as any).pf.stats());
  expect(s).toMatchObject({ hits: 1, hitRate: 0.5 });
  expect(s.wastedBytes).toBeGreaterThan(0);
});

test('<link rel=prefetch> where Speculation Rules are missing; destroy() removes the hints', async ({ page, ls }) => {
  await page.addInitScript(() => { (HTMLScriptElement as any).supports = () => false; });
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await expect.poll(() => prefetched(ls)).toEqual(['/site/a', '/site/b']);
  expect(await page.evaluate(() => (window as any).pf.stats().mechanism)).toBe('link');
  await expect(page.locator('link[rel=prefetch]')).toHaveCount(2);
  await page.evaluate(() => (window as any).pf.destroy());
  await expect(page.locator('link[rel=prefetch]')).toHaveCount(0);
});

test('hover prefetches after the delay, not when the pointer only passes; mousedown at once', async ({ page, ls }) => {
  await opts(page, { viewport: false, predict: false, hoverDelayMs: 200 });
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await page.locator('#far').scrollIntoViewIfNeeded();
  // Passing over for less than the delay: nothing.
  await page.hover('#far');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400);
  expect(prefetched(ls)).toEqual([]);
  const t0 = Date.now();
  await page.hover('#far');
  await expect.poll(() => prefetched(ls)).toEqual(['/site/far']);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  await page.dispatchEvent('#far2', 'mousedown');
  await expect.poll(() => prefetched(ls)).toEqual(['/site/far', '/site/far2']);
});

test('nothing is prefetched under Save-Data, on 2g, or when the page says so', async ({ page, ls }) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'connection', { get: () => ({ saveData: true, effectiveType: '4g' }) }));
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await idle(page);
  await page.dispatchEvent('#far', 'mousedown');
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as any).pf.stats())).toMatchObject({ allowed: false, prefetched: 0 });
  expect(prefetched(ls)).toEqual([]);

  const page2 = await page.context().newPage();
  await page2.addInitScript(() => Object.defineProperty(Navigator.prototype, 'connection', { get: () => ({ saveData: false, effectiveType: '2g' }) }));
  await page2.goto(`${ls.url}/loading/prefetch.html`);
  expect(await page2.evaluate(() => (window as any).pf.stats().allowed)).toBe(false);

  // The page says so: data-no-prefetch on <html> (set as the page parses, as a server would).
  const page3 = await page.context().newPage();
  await page3.addInitScript(() => document.addEventListener('DOMContentLoaded', () => document.documentElement.setAttribute('data-no-prefetch', '')));
  await page3.goto(`${ls.url}/loading/prefetch.html`);
  expect(await page3.evaluate(() => (window as any).pf.stats().allowed)).toBe(false);
  await idle(page3);
  await page3.waitForTimeout(300);
  expect(prefetched(ls)).toEqual([]);
});

test('the session budget stops prefetching', async ({ page, ls }) => {
  await opts(page, { maxPrefetches: 1, predict: false });
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await expect.poll(() => prefetched(ls)).toHaveLength(1);
  await page.dispatchEvent('#far', 'mousedown');
  await idle(page);
  await page.waitForTimeout(300);
  expect(prefetched(ls)).toHaveLength(1);
  expect(await page.evaluate(() => (window as any).pf.stats())).toMatchObject({ prefetched: 1 });
});

test('after a few training navigations the model prefetches the usual next page', async ({ page, ls }) => {
  // Only the model may prefetch here: no viewport or hover triggers.
  await opts(page, { viewport: false, intent: false });
  for (let i = 0; i < 3; i++) {
    await page.goto(`${ls.url}/site/home`);
    await page.waitForFunction(() => (window as any).pf);
    await page.click('#to-b');
    await page.waitForURL('**/site/b');
    await page.waitForFunction(() => (window as any).pf);
  }
  ls.reset();
  await page.goto(`${ls.url}/site/home`);
  await expect.poll(() => prefetched(ls)).toEqual(['/site/b']);
  await page.click('#to-b');
  await page.waitForURL('**/site/b');
  await page.waitForFunction(() => (window as any).pf);
  expect(await page.evaluate(() => (window as any).ppEvents)).toEqual([expect.objectContaining({ name: 'prefetch.hit', attrs: { trigger: 'predict' } })]);
});

test('a second visit preconnects to the third-party origin the first visit used; preconnect() adds explicit ones', async ({ page, ls }) => {
  await page.goto(`${ls.url}/loading/third-party.html`);
  await page.waitForLoadState('load');
  await idle(page);
  const thirdParty = `http://localhost:${ls.port}`;
  expect(await page.locator('link[rel=preconnect]').count()).toBe(0);
  // Learned in idle time after load; wait until it is stored.
  await expect.poll(() => page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('pagepace-loading');
    open.onsuccess = () => {
      const get = open.result.transaction('model').objectStore('model').get('origins');
      get.onsuccess = () => resolve(get.result ?? null);
    };
  }))).toEqual({ '/loading/third-party.html': { [thirdParty]: 0.5 } });
  await page.reload();
  await expect(page.locator('link[rel=preconnect]')).toHaveAttribute('href', thirdParty);
  await page.evaluate(() => (window as any).pf.preconnect(['https://fonts.example.com/x.css', 'https://fonts.example.com']));
  expect(await page.locator('link[rel=preconnect]').evaluateAll((ls) => ls.map((l) => (l as HTMLLinkElement).href))).toEqual([`${thirdParty}/`, 'https://fonts.example.com/']);
  expect(await page.evaluate(() => (window as any).ppErrors)).toEqual([]);
});
