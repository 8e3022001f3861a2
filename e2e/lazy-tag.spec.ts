import { expect, test } from './fixtures';

test('script tag: lazy loading is a chunk, yet a first-viewport image starts at once with high priority', async ({ page }) => {
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  const order: string[] = [];
  await page.route(/pagepace\.lazy\.js/, async (route) => {
    await held;
    order.push('chunk');
    await route.continue();
  });
  page.on('request', (r) => r.url().includes('logo.svg') && order.push(new URL(r.url()).search.slice(1)));
  await page.goto('/fixtures/lazy-tag.html');

  // The chunk is held back, and the hero is already on its way, with high priority.
  await expect.poll(() => order).toEqual(['hero']);
  await expect(page.locator('#hero')).toHaveAttribute('fetchpriority', 'high');
  await expect(page.locator('#widget')).toHaveText('waiting');

  release();
  // The chunk adopts the hero (loaded once, never twice) and mounts the component registered early.
  await expect(page.locator('#hero')).toHaveClass(/pp-loaded/);
  await expect(page.locator('#widget')).toHaveText('mounted');
  expect(order).toEqual(['hero', 'chunk']);
  expect(await page.evaluate(() => (window as any).pace.stats().lazy)).toMatchObject({ eager: 2, deferred: 1, loaded: 2, errors: 0 });

  await page.locator('#below').scrollIntoViewIfNeeded();
  await expect(page.locator('#below')).toHaveClass(/pp-loaded/);
  expect(order).toEqual(['hero', 'chunk', 'below']);
});

test('registerComponent() says what is wrong with a bad loader', async ({ page }) => {
  await page.goto('/fixtures/lazy-tag.html');
  const message = await page.evaluate(() => {
    try {
      (window as any).pace.registerComponent('x', 'not a function');
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  });
  expect(message).toBe('PagePaceError: pagepace: registerComponent(loader) must be a function that loads the component, such as () => import("./x.js"); received "not a function".');
});

test('retryLazy() loads a failed image again; a bad argument is refused clearly', async ({ page }) => {
  let asked = 0;
  page.on('request', (r) => r.url().includes('/no-such-image.svg') && asked++);
  await page.goto('/fixtures/lazy-tag.html');
  await expect(page.locator('#hero')).toHaveClass(/pp-loaded/);
  // Added later, in view: picked up by the MutationObserver, and the server has no such image.
  await page.evaluate(() => {
    const img = Object.assign(document.createElement('img'), { id: 'broken' });
    img.dataset.src = '/no-such-image.svg';
    document.body.prepend(img);
  });
  await expect(page.locator('#broken')).toHaveClass(/pp-error/);
  expect(asked).toBe(1);

  await page.evaluate(() => (window as any).pace.retryLazy());
  await expect.poll(() => asked).toBe(2);
  await expect(page.locator('#broken')).toHaveClass(/pp-error/);
  await page.evaluate(() => (window as any).pace.retryLazy(document.getElementById('broken')));
  await expect.poll(() => asked).toBe(3);

  const message = await page.evaluate(() => {
    try {
      (window as any).pace.retryLazy('#broken');
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  });
  expect(message).toBe('PagePaceError: pagepace: retryLazy(el) must be an element that failed to load (class pp-error), or nothing to retry them all; received "#broken".');
});

test('script tag: a lazy chunk\'s shared chunks are fetched with it, not one round trip after it arrives', async ({ page }) => {
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  const shared: string[] = [];
  await page.route(/pagepace\.lazy\.js/, async (route) => {
    await held;
    await route.continue();
  });
  page.on('request', (r) => {
    const file = new URL(r.url()).pathname.split('/').pop()!;
    if (/^pagepace\.(core-lifecycle|loading-types|idb-keyval)\.js$/.test(file)) shared.push(file);
  });
  await page.goto('/fixtures/lazy-tag.html');
  // pagepace.lazy.js is still held back, and what it imports is already on its way.
  await expect.poll(() => [...shared].sort()).toEqual(['pagepace.core-lifecycle.js', 'pagepace.idb-keyval.js', 'pagepace.loading-types.js']);
  release();
  await expect(page.locator('#hero')).toHaveClass(/pp-loaded/);
  // Each fetched once: the import() of the chunk found them in the module map.
  expect(shared).toHaveLength(3);
});
