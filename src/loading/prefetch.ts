import { arrive, readLedger, wasted, writeLedger } from './ledger';
import { DEFAULT_IGNORE, linkUrl, prefetchable } from './links';
import type { LinkRules } from './links';
import { networkAllows, pageAllows } from './network';
import { learn, predict } from './predict';
import type { Model } from './predict';
import { learnedPreconnect, preconnectTo } from './preconnect';
import { hint, speculationRules } from './speculation';
import { load, save } from './store';
import { idle, NO_DEPS, now, pageKey, safe } from './types';
import type { LoadingDeps } from './types';

/** Options of `startPrefetch` (all optional). */
export interface PrefetchStartOptions {
  /** Hover-intent delay before a hovered link is prefetched, ms. Default 65. */
  hoverDelayMs?: number;
  /** URLs never prefetched. Default: sign-out links, `action=` URLs, downloads (`DEFAULT_IGNORE`). */
  ignore?: RegExp[];
  /** Other origins that may be prefetched (the page's own always may). Default none. */
  origins?: string[];
  /** Prefetch links when they enter the viewport, in idle time. Default true. */
  viewport?: boolean;
  /** Prefetch on hover intent, `touchstart` and `mousedown`. Default true. */
  intent?: boolean;
  /** Learn the next page from this browser's navigations and prefetch the likeliest. Default true. */
  predict?: boolean;
  /** Least probability of a predicted next page, 0–1. Default 0.3. */
  predictThreshold?: number;
  /** At most this many predicted pages. Default 2. */
  predictTop?: number;
  /** Prerender (Speculation Rules) instead of prefetching for hover intent and predictions. Default false. */
  prerender?: boolean;
  /** Viewport and predicted prefetches in flight at once. Default 2. */
  concurrency?: number;
  /** Prefetches per browser session (tab). Default 30. */
  maxPrefetches?: number;
  /** Bytes prefetched per browser session, estimated. Default 2 MB. */
  maxBytes?: number;
  /** Learn which other origins each page uses early and preconnect to them on later visits. Default true. */
  preconnect?: boolean;
}

/** Counters of prefetching (session totals unless said otherwise). */
export interface PrefetchStats {
  /** Prefetches issued in this browser session. */
  prefetched: number;
  /** Prefetches issued by this page. */
  page: number;
  /** Prefetched pages that were then navigated to. */
  hits: number;
  /** hits / prefetches settled (those of earlier pages). */
  hitRate: number;
  /** Bytes prefetched (estimated: Speculation Rules do not show their responses to the page). */
  bytes: number;
  /** Bytes of prefetches not used by the page that followed. */
  wastedBytes: number;
  /** Whether the network gate and the page allow prefetching now. */
  allowed: boolean;
  /** `speculationrules` or `link`. */
  mechanism: 'speculationrules' | 'link';
  /** Preconnects added by this page (learned and explicit). */
  preconnects: number;
}

/** A running prefetcher. */
export interface Prefetcher {
  /** Counters so far. */
  stats(): PrefetchStats;
  /** Adds `<link rel=preconnect>` for these origins (once each). */
  preconnect(origins: string[]): void;
  /** Removes every listener, observer, timer and rule it added. */
  destroy(): void;
}

/**
 * Starts prefetching likely next pages: links in view (idle time), hover/touch intent and a
 * next-page model learned from this browser's navigations, within the network gate, the
 * ignore rules and the session budget.
 * @example
 * const pf = startPrefetch({ origins: ['https://docs.example.com'] });
 */
export function startPrefetch(options: PrefetchStartOptions = {}, deps: LoadingDeps = NO_DEPS): Prefetcher {
  const o = options;
  const rules: LinkRules = { origins: (o.origins ?? []).map((x) => new URL(x).origin), ignore: o.ignore ?? DEFAULT_IGNORE };
  const maxN = o.maxPrefetches ?? 30;
  const maxB = o.maxBytes ?? 2e6;
  const conc = o.concurrency ?? 2;
  const here = location.href.split('#')[0]!;
  const page = pageKey();
  const ledger = readLedger();
  const hit = arrive(ledger, here);
  const from = ledger.p;
  ledger.p = page;
  writeLedger(ledger);
  if (hit) deps.report({ kind: 'prefetch', name: 'prefetch.hit', value: 1, ts: now(), attrs: { trigger: hit[2] } });

  // A prefetched document is about as big as this one: Speculation Rules do not show their
  // responses to the page, so this is the estimate the byte budget and wasted bytes use.
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  const docBytes = nav?.encodedBodySize || nav?.transferSize || 0;

  const done = new Set<string>();
  const els: HTMLElement[] = [];
  const connected = new Set<string>();
  const queue: Array<[string, string]> = [];
  const cancels: Array<() => void> = [];
  let active = 0;
  let pageN = 0;
  let live = true;
  let reported = '';
  let draining = false;

  const allowed = () => networkAllows() && pageAllows();

  const go = (url: string, why: string, release?: () => void): void => {
    if (!live || done.has(url) || !allowed() || ledger.c >= maxN || ledger.b >= maxB) return release?.();
    done.add(url);
    ledger.c++;
    ledger.b += docBytes;
    ledger.u.push([url, docBytes, why]);
    pageN++;
    writeLedger(ledger);
    els.push(hint(url, !!o.prerender && why != 'viewport', release ?? (() => {})));
  };

  const drain = safe(deps, 'prefetch', () => {
    draining = false;
    while (live && active < conc && queue.length) {
      const [url, why] = queue.shift()!;
      active++;
      go(url, why, () => {
        active--;
        schedule();
      });
    }
  });
  const schedule = () => {
    if (!draining && queue.length) {
      draining = true;
      cancels.push(idle(drain));
    }
  };
  const enqueue = (url: string | undefined, why: string) => {
    if (url && !done.has(url)) {
      queue.push([url, why]);
      schedule();
    }
  };

  const io = new IntersectionObserver(safe(deps, 'prefetch', (entries: IntersectionObserverEntry[]) => {
    for (const e of entries) {
      if (e.isIntersecting) {
        io.unobserve(e.target);
        enqueue(linkUrl(e.target, rules), 'viewport');
      }
    }
  }));
  if (o.viewport !== false) {
    cancels.push(idle(safe(deps, 'prefetch', () => {
      for (const a of document.querySelectorAll('a[href]')) if (linkUrl(a, rules)) io.observe(a);
    })));
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  let hovered: Element | null = null;
  const linkOf = (e: Event) => (e.target instanceof Element ? e.target.closest('a[href]') : null);
  const on = {
    mouseover(e: Event) {
      const a = linkOf(e);
      const url = linkUrl(a, rules);
      if (!url || a == hovered) return;
      clearTimeout(timer);
      hovered = a;
      timer = setTimeout(safe(deps, 'prefetch', () => go(url, 'hover')), o.hoverDelayMs ?? 65);
    },
    mouseout(e: Event) {
      const to = (e as MouseEvent).relatedTarget;
      if (hovered && !(to instanceof Node && hovered.contains(to))) {
        clearTimeout(timer);
        hovered = null;
      }
    },
    touchstart(e: Event) {
      const url = linkUrl(linkOf(e), rules);
      if (url) go(url, 'intent');
    },
    mousedown(e: Event) {
      on.touchstart(e);
    },
  };
  const opts = { capture: true, passive: true };
  const handlers = Object.entries(on).map(([t, f]) => [t, safe(deps, 'prefetch', f)] as const);
  if (o.intent !== false) for (const [t, f] of handlers) document.addEventListener(t, f, opts);

  // The next-page model learns every navigation, even when prefetching is gated off.
  void load<Model>('model').then((m = {}) => {
    if (from) void save('model', learn(m, from, page));
    if (o.predict === false || !live) return;
    for (const p of predict(m, page, o.predictThreshold ?? 0.3, o.predictTop ?? 2)) {
      enqueue(prefetchable(p, here, rules), 'predict');
    }
  }).catch((err) => deps.onError('prefetch.predict', err));

  if (o.preconnect !== false) cancels.push(learnedPreconnect(connected, allowed, (err) => deps.onError('prefetch.preconnect', err)));

  const stats = (): PrefetchStats => {
    const settled = ledger.c - ledger.u.length;
    return {
      prefetched: ledger.c, page: pageN, hits: ledger.h, hitRate: settled ? ledger.h / settled : 0, bytes: ledger.b,
      wastedBytes: wasted(ledger), allowed: allowed(), mechanism: speculationRules() ? 'speculationrules' : 'link', preconnects: connected.size,
    };
  };

  const onHide = safe(deps, 'prefetch', () => {
    if (document.visibilityState != 'hidden') return;
    const { page: value, hits, hitRate, bytes, wastedBytes } = stats();
    const key = `${value},${hits},${bytes}`;
    if (key == reported) return;
    reported = key;
    deps.report({ kind: 'prefetch', name: 'prefetch', value, ts: now(), attrs: { hits, hitRate, bytes, wastedBytes } });
  });
  document.addEventListener('visibilitychange', onHide);

  return {
    stats,
    preconnect(origins) {
      preconnectTo(origins, connected);
    },
    destroy() {
      live = false;
      io.disconnect();
      clearTimeout(timer);
      cancels.forEach((c) => c());
      for (const [t, f] of handlers) document.removeEventListener(t, f, opts);
      document.removeEventListener('visibilitychange', onHide);
      els.forEach((e) => e.remove());
    },
  };
}
