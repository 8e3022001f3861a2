import { bound, load, save, touch } from './store';
import { idle, pageKey } from './types';

/** Origin → usage score (0–1) for one page. */
export type OriginScores = Record<string, number>;

/**
 * New scores after a visit that used `seen` origins early: each score moves halfway towards
 * 1 if used, 0 if not. A new origin starts at 0.5; one unused on two visits in a row falls
 * under 0.3 and is dropped. At most `keep` origins are kept, the best.
 */
export function rescore(prev: OriginScores, seen: readonly string[], keep = 4): OriginScores {
  const next: OriginScores = {};
  for (const o of new Set([...Object.keys(prev), ...seen])) {
    const s = ((prev[o] ?? 0) + (seen.includes(o) ? 1 : 0)) / 2;
    if (s >= 0.3) next[o] = s;
  }
  return Object.fromEntries(Object.entries(next).sort((a, b) => b[1] - a[1]).slice(0, keep));
}

/** The origins worth a preconnect: at most `n`, score at least `min`, best first. */
export const pick = (scores: OriginScores, n = 3, min = 0.5): string[] =>
  Object.entries(scores).filter(([, s]) => s >= min).sort((a, b) => b[1] - a[1]).slice(0, n).map(([o]) => o);

/** Adds `<link rel=preconnect>` for each origin not yet connected; returns how many were added. */
export function preconnectTo(origins: readonly string[], done: Set<string>): number {
  let n = 0;
  for (const o of origins) {
    const origin = new URL(o).origin;
    if (origin == 'null' || origin == location.origin || done.has(origin)) continue;
    done.add(origin);
    const l = document.createElement('link');
    l.rel = 'preconnect';
    l.href = origin;
    document.head.append(l);
    n++;
  }
  return n;
}

const KEY = 'origins';

/**
 * Preconnects to the origins this page used early on earlier visits (as soon as the memory
 * is read), and after load learns which other origins this visit used before the load event.
 * Returns a canceller.
 */
export function learnedPreconnect(done: Set<string>, allowed: () => boolean, onError: (err: unknown) => void): () => void {
  const page = pageKey();
  const memory = load<Record<string, OriginScores>>(KEY);
  void memory.then((m) => allowed() && preconnectTo(pick(m?.[page] ?? {}), done)).catch(onError);
  let cancel = () => {};
  const learnNow = () => {
    cancel = idle(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const end = nav?.loadEventStart || performance.now();
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the DOM's getEntriesByType is not generic; the rule misreads it
      const seen = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => e.startTime <= end)
        .map((e) => new URL(e.name).origin)
        .filter((o) => o != location.origin && o != 'null');
      void memory
        .then((m = {}) => {
          touch(m, page, rescore(m[page] ?? {}, seen));
          return save(KEY, bound(m, 30));
        })
        .catch(onError);
    });
  };
  if (document.readyState == 'complete') learnNow();
  else addEventListener('load', learnNow, { once: true });
  return () => {
    removeEventListener('load', learnNow);
    cancel();
  };
}
