import type { PerfEvent } from '../core/types';

/** What a loading part gets from its host (createPagePace passes these; standalone use may omit them). */
export interface LoadingDeps {
  /** Records an event into pagepace's pipeline (kinds `lazy` and `prefetch`). */
  report(event: PerfEvent): void;
  /** Reports a caught failure; it must never reach the host page. */
  onError(feature: string, err: unknown): void;
  /** Log more. */
  debug?: boolean;
  /** Times pagepace's own handlers, so that they count in `overhead.cpu`; absent, nothing is timed. */
  timed?: <T>(fn: () => T) => T;
  /** pagepace's lifecycle: `fn` runs at every hide, before the sender sends (absent: a listener of the part's own). */
  onHide?: (fn: () => void) => () => void;
}

/** Host defaults for standalone use: events go nowhere, failures are swallowed. */
export const NO_DEPS: LoadingDeps = { report() {}, onError() {} };

/** Epoch milliseconds, as `PerfEvent.ts` wants. */
export const now = (): number => performance.timeOrigin + performance.now();

/** The page's key in the per-path memories: path and query, never the fragment. */
export const pageKey = (u: { pathname: string; search: string } = location): string => u.pathname + u.search;

/** Runs `fn` when the browser is idle, within `timeout` ms at the latest; returns a canceller. */
export function idle(fn: () => void, timeout = 2000): () => void {
  if (typeof requestIdleCallback == 'function') {
    const id = requestIdleCallback(fn, { timeout });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 1);
  return () => clearTimeout(id);
}

/** Wraps a callback the browser calls so that a failure inside is reported, never thrown into the page. */
export const safe = <A extends unknown[]>(deps: LoadingDeps, feature: string, fn: (...a: A) => void, own = true) => (...a: A): void => {
  try {
    if (own && deps.timed) deps.timed(() => fn(...a));
    else fn(...a);
  } catch (err) {
    deps.onError(feature, err);
  }
};
