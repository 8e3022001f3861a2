import { afterEach, describe, expect, it, vi } from 'vitest';
import { importWhenOnline } from './online';

/** A browser whose `navigator.onLine` the test sets, with `online` events on a real EventTarget. */
function fakeBrowser(onLine: boolean, controlled = false) {
  const target = new EventTarget();
  vi.stubGlobal('navigator', { onLine, serviceWorker: { controller: controlled ? {} : null } });
  vi.stubGlobal('addEventListener', target.addEventListener.bind(target));
  return {
    goOnline() {
      vi.stubGlobal('navigator', { onLine: true, serviceWorker: { controller: null } });
      target.dispatchEvent(new Event('online'));
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('importing a chunk while offline', () => {
  it('does not fetch while the browser says it is offline: one failed try would be remembered for the page', async () => {
    const browser = fakeBrowser(false);
    const load = vi.fn(() => Promise.resolve('chunk'));
    const failed = vi.fn();
    const p = importWhenOnline(load, failed);
    await Promise.resolve();
    expect(load).not.toHaveBeenCalled();
    expect(failed).toHaveBeenCalledTimes(1); // the caller learns at once that nothing arrived yet
    browser.goOnline();
    expect(await p).toBe('chunk');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('fetches offline when a service worker controls the page: it may answer from its cache', async () => {
    fakeBrowser(false, true);
    const load = vi.fn(() => Promise.resolve('from the worker'));
    expect(await importWhenOnline(load)).toBe('from the worker');
  });

  it('fetches at once when online, and tries a failed fetch again up to `tries` times', async () => {
    fakeBrowser(true);
    vi.useFakeTimers();
    let n = 0;
    const load = vi.fn(() => (++n < 3 ? Promise.reject(new Error('network')) : Promise.resolve(n)));
    const p = importWhenOnline(load);
    await vi.runAllTimersAsync();
    expect(await p).toBe(3);
  });
});
