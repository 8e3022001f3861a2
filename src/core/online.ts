/** Resolves once the browser is online. */
export const whenOnline = (): Promise<void> =>
  new Promise((resolve) => (navigator.onLine === false ? addEventListener('online', () => resolve(), { once: true }) : resolve()));

/**
 * Runs `load`, a dynamic `import()` of one of pagepace's chunks. A failed fetch (offline, or the
 * network dropped mid-way; a service worker may still have served it) is tried again a little
 * later, once online, `tries` times in all: the browser does fetch a failed module again on a
 * new `import()`. `onFail` hears of each failure.
 */
export async function importWhenOnline<T>(load: () => Promise<T>, onFail?: () => void, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await load();
    } catch (err) {
      onFail?.();
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 1000 * i));
      await whenOnline();
    }
  }
}
