/** Resolves once the browser is online. */
export const whenOnline = (): Promise<void> =>
  new Promise((resolve) => (navigator.onLine === false ? addEventListener('online', () => resolve(), { once: true }) : resolve()));

/**
 * Runs `load`, a dynamic `import()` of one of pagepace's chunks, `tries` times in all: a failed
 * fetch (the network dropped mid-way) is tried again a little later, once online.
 *
 * While the browser says it is offline, no fetch is made unless a service worker controls the page
 * (it may answer from its cache): the try is put off until online. Some engines remember a failed
 * module fetch for the life of the document, and every later `import()` of that URL fails at once
 * without a request (Chromium 150 does; newer Chromium fetches again): one offline fetch would lose
 * the part for the whole page view. `onFail` hears of each failed or put-off try.
 */
export async function importWhenOnline<T>(load: () => Promise<T>, onFail?: () => void, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      if (navigator.onLine === false && !navigator.serviceWorker?.controller) throw Error('offline');
      return await load();
    } catch (err) {
      onFail?.();
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 1000 * i));
      await whenOnline();
    }
  }
}
