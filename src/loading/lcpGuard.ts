import { lazyKey } from './lazyElements';
import { bound, load, save, touch } from './store';
import { pageKey } from './types';

const KEY = 'lcp';

/** The lazy URL that was this page's LCP element on an earlier visit, if any. */
export const rememberedLcp = (): Promise<string | undefined> => load<Record<string, string>>(KEY).then((m) => m?.[pageKey()]);

/**
 * Watches the page's LCP candidates and remembers, per page path, the lazy URL of the last
 * one that is one of `ours` (web-vitals attributes LCP to this same element: the last
 * `largest-contentful-paint` entry). Returns a disconnecter.
 */
export function rememberLcp(ours: (el: Element) => boolean): () => void {
  let last: string | null | undefined;
  const po = new PerformanceObserver((list) => {
    const el = (list.getEntries().at(-1) as { element?: Element | null } | undefined)?.element;
    const key = el && ours(el) ? lazyKey(el) : null;
    if (!key || key == last) return;
    last = key;
    void load<Record<string, string>>(KEY).then((m = {}) => {
      touch(m, pageKey(), key);
      return save(KEY, bound(m, 50));
    });
  });
  try {
    po.observe({ type: 'largest-contentful-paint', buffered: true });
  } catch {
    // No LCP in this browser: nothing to remember.
  }
  return () => po.disconnect();
}
