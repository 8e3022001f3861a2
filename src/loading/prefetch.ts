import { subscribeHide } from '../core/lifecycle';
import { arrive, readLedger, wasted, writeLedger } from './ledger';
import { DEFAULT_IGNORE, linkUrl, prefetchable } from './links';
import type { LinkRules } from './links';
import { networkAllows, pageAllows } from './network';
import { learn, predict } from './predict';
import type { Model } from './predict';
import { learnedPreconnect, preconnectTo } from './preconnect';
import { hint, mechanism } from './speculation';
import type { PrefetchMechanism } from './speculation';
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
  /** Prefetch links when they enter the viewport, in idle time; links added later too, and the hint is withdrawn once no link to its URL is left. Default true. */
  viewport?: boolean;
  /** Prefetch on hover intent, `touchstart` and `mousedown`. Default true. */
  intent?: boolean;
  /** Learn the next page from this browser's navigations and prefetch the likeliest. Default true. */
  predict?: boolean;
  /** Least probability of a predicted next page, 0–1. Default 0.3. */
  predictThreshold?: number;
  /** At most this many predicted pages. Default 2. */
  predictTop?: number;
  /** Prerender (Speculation Rules) instead of prefetching for hover intent and predictions. A hover hint is withdrawn when the pointer leaves the link. Default false. */
  prerender?: boolean;
  /**
   * Prefetches in flight before viewport and predicted ones wait (intent ones never wait, but
   * count). A `<link>` is in flight until its load/error event; a Speculation Rules prefetch, which
   * the page cannot observe, for as long as this page's document took to fetch (at least 200 ms). Default 2.
   */
  concurrency?: number;
  /** Prefetches per browser session (tab), withdrawn ones included. Default 30. */
  maxPrefetches?: number;
  /** Bytes prefetched per browser session, each estimated as this page's size; none start once reached. Default 2 MB. */
  maxBytes?: number;
  /** Learn which other origins each page uses early and preconnect to them on later visits. Default true. */
  preconnect?: boolean;
}

/** Counters of prefetching (session totals unless said otherwise). */
export interface PrefetchStats {
  /**
   * Prefetches that really went in this browser session: a `<link>` that loaded, a `fetch` that was
   * answered, a Speculation Rule that the page kept (no CSP violation) for the fetch's time, or one
   * the next page's `deliveryType` shows was used. Hints the browser ignored are not counted.
   */
  prefetched: number;
  /** Of those, this page's. */
  page: number;
  /** Prefetched pages that were then navigated to. */
  hits: number;
  /** hits / prefetches settled (those of earlier pages). */
  hitRate: number;
  /** Bytes prefetched (from resource timing for `link` and `fetch`; estimated as this page's size for Speculation Rules, whose responses the page cannot see). */
  bytes: number;
  /** Bytes of prefetches not used by the page that followed. */
  wastedBytes: number;
  /** Whether the network gate and the page allow prefetching now. */
  allowed: boolean;
  /**
   * What the next prefetch uses: `speculationrules`; `link` (`<link rel=prefetch>`, where Speculation
   * Rules are missing or the page's CSP refused them); `fetch` (a low-priority same-origin fetch,
   * where neither exists, e.g. WebKit, or where the engine left a `<link>` unanswered, e.g.
   * Firefox ESR 140 for links added after the load event).
   */
  mechanism: PrefetchMechanism;
  /** Preconnects added by this page (learned and explicit). */
  preconnects: number;
}

/** A running prefetcher. */
export interface Prefetcher {
  /** Counters so far. */
  stats(): PrefetchStats;
  /** Adds `<link rel=preconnect>` for these origins (once each). */
  preconnect(origins: string[]): void;
  /** Removes every listener, observer (MutationObserver included), timer and rule it added. */
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
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- deliveryType is newer than the DOM lib; the rule misreads it
  const nav = performance.getEntriesByType('navigation')[0] as (PerformanceNavigationTiming & { deliveryType?: string }) | undefined;
  const hit = arrive(ledger, here, nav?.deliveryType == 'navigational-prefetch');
  const from = ledger.p;
  ledger.p = page;
  writeLedger(ledger);
  if (hit) deps.report({ kind: 'prefetch', name: 'prefetch.hit', value: 1, ts: now(), attrs: { trigger: hit[2] } });

  // A prefetched document is about as big, and as slow to fetch, as this one: Speculation Rules
  // do not show their responses to the page, so these are the estimates the byte budget, wasted
  // bytes and the concurrency limit use (a rule counts as in flight for docMs, at least 200 ms).
  const docBytes = nav?.encodedBodySize || nav?.transferSize || 0;
  const docMs = Math.max(200, nav ? nav.responseEnd - nav.requestStart : 0);

  /** url → [withdraw, trigger] of every hint this page gave (each URL at most once, unless withdrawn). */
  const done = new Map<string, [() => void, string]>();
  const connected = new Set<string>();
  let queue: Array<[string, string]> = [];
  /** Nodes added or removed since the last tick (the document itself at start). */
  const pend: Node[] = [];
  let active = 0;
  let live = true;
  let reported = '';
  let ticking: (() => void) | undefined;

  const allowed = () => networkAllows() && pageAllows();

  // Every prefetch counts against the concurrency limit until it settles; only queued ones
  // (viewport, predicted) wait for a free slot, intent ones go at once. The budgets count what
  // went plus what is waiting (at the estimate); the tally only what went.
  const waiting: Array<[string, number, string]> = (ledger.w = []);
  const go = (url: string, why: string): void => {
    if (!live || done.has(url) || !allowed() || (ledger.n ?? ledger.c) >= maxN || ledger.b + waiting.length * docBytes >= maxB) return;
    const entry: [string, number, string] = [url, docBytes, why];
    const settled = (bytes: number | undefined) => {
      active--;
      waiting.splice(waiting.indexOf(entry), 1);
      if (bytes !== undefined) {
        ledger.c++;
        ledger.b += bytes;
        ledger.u.push([url, bytes, why]);
      }
      writeLedger(ledger);
      schedule();
    };
    active++;
    ledger.n = (ledger.n ?? ledger.c) + 1;
    waiting.push(entry);
    const withdraw = hint(url, !!o.prerender && why != 'viewport', settled, docMs, docBytes);
    if (!withdraw) return void (active--, ledger.n--, waiting.pop());
    writeLedger(ledger);
    done.set(url, [withdraw, why]);
  };
  /** Withdraws the `why` hint of `url` (queued or in the page); it may be prefetched again later. */
  const drop = (url: string | undefined, why: string) => {
    queue = queue.filter((q) => q[0] != url || q[1] != why);
    const h = done.get(url!);
    if (h?.[1] == why) {
      done.delete(url!);
      h[0]();
    }
  };

  const enqueue = (url: string | undefined, why: string) => {
    if (url && !done.has(url)) queue.push([url, why]);
    schedule();
  };

  const io = new IntersectionObserver(safe(deps, 'prefetch', (entries: IntersectionObserverEntry[]) => {
    for (const e of entries) {
      if (e.isIntersecting) {
        io.unobserve(e.target);
        enqueue(linkUrl(e.target, rules), 'viewport');
      }
    }
  }));
  // Links in the page are watched (added ones too). A removed link's viewport hint is withdrawn
  // once no link to its URL is left (a re-rendered list keeps what it prefetched).
  let present: Set<string | undefined> | undefined;
  const track = (a: Element) => {
    const url = linkUrl(a, rules);
    if (!a.isConnected) {
      io.unobserve(a);
      present ??= new Set([...document.querySelectorAll('a[href]')].map((l) => linkUrl(l, rules)));
      if (!present.has(url)) drop(url, 'viewport');
    } else if (url) io.observe(a);
  };
  // In idle time, a bounded slice each time: nodes added or removed since, then the queue.
  const tick = safe(deps, 'prefetch', () => {
    ticking = undefined;
    present = undefined;
    for (const n of pend.splice(0, 200)) {
      if ((n as Element).matches?.('a[href]')) track(n as Element);
      (n as Element).querySelectorAll?.('a[href]').forEach(track);
    }
    if (pend.length) schedule();
    while (live && active < conc && queue.length) go(...queue.shift()!);
  });
  const schedule = () => {
    if (live) ticking ??= idle(tick);
  };
  const mo = new MutationObserver(safe(deps, 'prefetch', (records: MutationRecord[]) => {
    for (const r of records) {
      r.addedNodes.forEach((n) => pend.push(n));
      r.removedNodes.forEach((n) => pend.push(n));
    }
    schedule();
  }));
  if (o.viewport !== false) {
    pend.push(document);
    schedule();
    mo.observe(document, { childList: true, subtree: true });
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
    // Leaving the link before the delay: nothing was added; after it: the hover hint is withdrawn.
    mouseout(e: Event) {
      const to = (e as MouseEvent).relatedTarget;
      if (hovered && !(to instanceof Node && hovered.contains(to))) {
        clearTimeout(timer);
        drop(linkUrl(hovered, rules), 'hover');
        hovered = null;
      }
    },
    // A press: navigation is likely under way, so the pointer leaving no longer withdraws anything.
    touchstart(e: Event) {
      const url = linkUrl(linkOf(e), rules);
      hovered = null;
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

  const unlearn = o.preconnect !== false ? learnedPreconnect(connected, allowed, (err) => deps.onError('prefetch.preconnect', err)) : () => {};

  const stats = (): PrefetchStats => {
    const settled = ledger.c - ledger.u.length;
    return {
      prefetched: ledger.c, page: ledger.u.length, hits: ledger.h, hitRate: settled ? ledger.h / settled : 0, bytes: ledger.b,
      wastedBytes: wasted(ledger), allowed: allowed(), mechanism: mechanism(), preconnects: connected.size,
    };
  };

  const onHide = safe(deps, 'prefetch', () => {
    const { page: value, hits, hitRate, bytes, wastedBytes } = stats();
    const key = `${value},${hits},${bytes}`;
    if (key == reported) return;
    reported = key;
    deps.report({ kind: 'prefetch', name: 'prefetch', value, ts: now(), attrs: { hits, hitRate, bytes, wastedBytes } });
  });
  const unHide = subscribeHide(onHide, deps.onHide);

  return {
    stats,
    preconnect(origins) {
      preconnectTo(origins, connected);
    },
    destroy() {
      live = false;
      io.disconnect();
      mo.disconnect();
      clearTimeout(timer);
      ticking?.();
      unlearn();
      for (const [t, f] of handlers) document.removeEventListener(t, f, opts);
      unHide();
      done.forEach((h) => h[0]());
    },
  };
}
