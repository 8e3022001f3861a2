import { expect, test } from './fixtures/loading/test';

const imgs = (ls: { requests: Array<{ path: string }> }) => new Set(ls.requests.filter((r) => r.path.startsWith('/img/')).map((r) => r.path.split('?')[0]!));

test('gallery: before any scroll only the first viewport (and rootMargin) is requested; the hero at once with high priority; scrolling loads the rest', async ({ page, ls }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const priority = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (e) => priority.set(new URL(e.request.url).pathname, e.request.initialPriority));

  await page.goto(`${ls.url}/gen/gallery?mode=pagepace`);
  // What the page should have asked for: everything within 200px (the default rootMargin) of the viewport.
  const expected = await page.evaluate(() => [...document.images].filter((i) => i.getBoundingClientRect().top < innerHeight + 200).map((i) => new URL(i.dataset.src!, location.href).pathname));
  await expect.poll(() => [...imgs(ls)].sort()).toEqual([...expected].sort());
  await expect(page.locator('img.pp-loaded')).toHaveCount(expected.length);
  expect(expected.length).toBeLessThan(10);
  await expect(page.locator('#hero')).toHaveAttribute('fetchpriority', 'high');
  expect(priority.get('/img/hero.svg')).toBe('High');
  expect(priority.get('/img/g59.svg')).toBeUndefined();

  let stats = await page.evaluate(() => (window as any).lazy.stats());
  expect(stats).toMatchObject({ eager: 4, deferred: 57, errors: 0 }); // hero + first row in view
  expect(stats.neverNeeded).toBe(61 - expected.length);
  expect(stats.bytesSaved).toBeGreaterThan(30_000 * (61 - expected.length) * 0.9);

  // Scroll to the end in steps: every image arrives, none twice.
  for (let y = 0; y < 22_000; y += 600) await page.mouse.wheel(0, 600);
  await expect(page.locator('img.pp-loaded')).toHaveCount(61);
  expect(imgs(ls).size).toBe(61);
  expect(ls.requests.filter((r) => r.path.startsWith('/img/')).length).toBe(61);
  stats = await page.evaluate(() => (window as any).lazy.stats());
  expect(stats).toMatchObject({ loaded: 61, neverNeeded: 0, bytesSaved: 0 });
  expect(await page.evaluate(() => (window as any).ppErrors)).toEqual([]);
});

test('a custom rootMargin widens what loads before any scroll', async ({ page, ls }) => {
  await page.addInitScript(() => ((window as any).PP_OPTS = { rootMargin: '700px 0px', threshold: 0.5 }));
  await page.goto(`${ls.url}/gen/gallery?mode=pagepace`);
  // Within 700px of the viewport, and at least half of the image inside that margin.
  const expected = await page.evaluate(() => [...document.images].filter((i) => i.getBoundingClientRect().top + i.height / 2 < innerHeight + 700).map((i) => new URL(i.dataset.src!, location.href).pathname));
  await expect.poll(() => [...imgs(ls)].sort()).toEqual([...expected].sort());
  expect(expected.length).toBeGreaterThanOrEqual(10); // the default 200px takes 7
});

test('the inlined first-viewport script starts the hero before any script file arrives, and overrides its loading="lazy"', async ({ page, ls }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const priority = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (e) => priority.set(new URL(e.request.url).pathname, e.request.initialPriority));
  // Lazy loading's module never arrives: only the inlined script can have started anything.
  await page.route('**/built/lazy.js', (route) => route.abort());
  await page.goto(`${ls.url}/gen/gallery?mode=pagepace-inline&heroLazy`);
  await page.waitForLoadState('load');

  const hero = page.locator('#hero');
  await expect(hero).toHaveAttribute('data-pp-first', '');
  await expect(hero).toHaveAttribute('fetchpriority', 'high');
  expect(await hero.getAttribute('loading')).toBeNull();
  expect(await hero.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(1280);
  expect(priority.get('/img/hero.svg')).toBe('High');
  // Only what shows: the hero and the first row, nothing below the fold.
  const shown = await page.evaluate(() => [...document.images].filter((i) => i.getBoundingClientRect().top < innerHeight).map((i) => new URL(i.dataset.src!, location.href).pathname));
  await expect.poll(() => [...imgs(ls)].sort()).toEqual([...shown].sort());
  expect(shown).toContain('/img/hero.svg');
  expect(shown.length).toBeLessThan(8);
});

test('every kind of lazy element loads on approach; a broken image gets pp-error and can be retried', async ({ page, ls }) => {
  await page.goto(`${ls.url}/loading/elements.html`);
  await page.waitForFunction(() => (window as any).lazy);
  expect(imgs(ls).size).toBe(0); // all below the fold
  await page.evaluate(() => document.getElementById('removed-box')!.remove());
  // A component whose loader is registered after start.
  // `as string`: the URL is the page's, not a module TypeScript could resolve.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  await page.evaluate(() => (window as any).lazy.registerComponent('widget', () => import('/loading/widget.js' as string)));
  await page.evaluate(() => scrollTo(0, 2900));
  await expect(page.locator('#broken')).toHaveClass(/pp-error/);
  for (const id of ['plain', 'responsive', 'pic-img', 'frame', 'video', 'bg', 'widget']) await expect(page.locator(`#${id}`), id).toHaveClass(/pp-loaded/);
  expect(await page.locator('#responsive').evaluate((i: HTMLImageElement) => [i.sizes, i.currentSrc])).toEqual(['200px', expect.stringMatching(/\/img\/r[12]\.svg/)]);
  expect(await page.locator('#pic-img').evaluate((i: HTMLImageElement) => i.currentSrc)).toMatch(/\/img\/pic\.svg/);
  expect(await page.locator('#video').getAttribute('poster')).toContain('/img/poster.svg');
  expect(await page.locator('#video source').getAttribute('src')).toBe('/img/clip.webm');
  expect(await page.locator('#bg').evaluate((d: HTMLElement) => d.style.backgroundImage)).toContain('/img/bg.svg');
  await expect(page.locator('#widget')).toHaveText('widget mounted');
  await expect(page.frameLocator('#frame').locator('p')).toHaveText('framed');
  expect(imgs(ls).has('/img/removed.svg')).toBe(false); // removed before it was needed

  const { failedIds, loadedIds, stats } = await page.evaluate(() => ({ failedIds: (window as any).failedIds, loadedIds: (window as any).loadedIds, stats: (window as any).lazy.stats() }));
  expect(failedIds).toEqual(['broken']);
  // onLoad once per loaded element; fadeMs: deferred elements fade in over 150 ms.
  expect([...loadedIds].sort()).toEqual(['bg', 'frame', 'pic-img', 'plain', 'responsive', 'video', 'widget']);
  expect(await page.locator('#plain').evaluate((i: HTMLElement) => i.style.transition)).toBe('opacity 150ms');
  expect(stats).toMatchObject({ loaded: 7, errors: 1, neverNeeded: 1 });

  // Retry: the image is asked for again and fails again (the server still has no such image).
  const before = ls.requests.filter((r) => r.path.startsWith('/img/broken.svg')).length;
  await page.evaluate(() => (window as any).lazy.retry());
  await expect.poll(() => ls.requests.filter((r) => r.path.startsWith('/img/broken.svg')).length).toBe(before + 1);
  await expect.poll(() => page.evaluate(() => (window as any).failedIds.length)).toBe(2);
  await expect(page.locator('#broken')).toHaveClass(/pp-error/);

  // The summary event on page hide.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const [ev] = await page.evaluate(() => (window as any).ppEvents);
  expect(ev).toMatchObject({ kind: 'lazy', name: 'lazy', value: 7, attrs: { errors: 2, neverNeeded: 1 } });
  expect(await page.evaluate(() => (window as any).ppErrors)).toEqual([]);
});

test('images added by script later are loaded on approach, not before', async ({ page, ls }) => {
  await page.goto(`${ls.url}/gen/gallery?mode=pagepace`);
  await expect.poll(() => imgs(ls).size).toBeGreaterThan(3);
  await page.evaluate(() => {
    const near = Object.assign(document.createElement('img'), { id: 'late-near', width: 100, height: 100 });
    near.dataset.src = '/img/late-near.svg';
    const far = Object.assign(document.createElement('img'), { id: 'late-far', width: 100, height: 100 });
    far.dataset.src = '/img/late-far.svg';
    document.body.prepend(near);
    document.body.append(far);
  });
  await expect(page.locator('#late-near')).toHaveClass(/pp-loaded/);
  expect(imgs(ls).has('/img/late-far.svg')).toBe(false);
  await page.locator('#late-far').scrollIntoViewIfNeeded();
  await expect(page.locator('#late-far')).toHaveClass(/pp-loaded/);
  expect(imgs(ls).has('/img/late-far.svg')).toBe(true);
});

test('the LCP element is remembered per page: on the next visit it is loaded at once with high priority', async ({ page, ls }) => {
  await page.goto(`${ls.url}/loading/lcp-memory.html`);
  await expect(page.locator('#hero')).toHaveClass(/pp-loaded/);
  // First visit: the hero had no size at start, so it waited for the observer like any other.
  expect(await page.locator('#hero').getAttribute('fetchpriority')).toBeNull();
  const stored = () => page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('pagepace-loading');
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('model')) return resolve(null);
      const get = db.transaction('model').objectStore('model').get('lcp');
      get.onsuccess = () => resolve(get.result ?? null);
    };
  }));
  await expect.poll(stored).toEqual({ '/loading/lcp-memory.html': '/img/lcpm.svg?w=1200&h=500&kb=20' });
  await page.reload();
  await expect(page.locator('#hero')).toHaveClass(/pp-loaded/);
  expect(await page.locator('#hero').getAttribute('fetchpriority')).toBe('high');
  expect(await page.evaluate(() => (window as any).lazy.stats())).toMatchObject({ eager: 1, deferred: 0 });
});
