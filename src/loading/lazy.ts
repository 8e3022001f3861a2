import { subscribeHide } from '../core/lifecycle';
import { createRegistry } from './components';
import type { ComponentLoader } from './components';
import { rememberedLcp, rememberLcp } from './lcpGuard';
import { inViewport, LAZY_SELECTOR, lazyKey, lazyTarget, reveal } from './lazyElements';
import { NO_DEPS, now, safe } from './types';
import type { LoadingDeps } from './types';

export type { ComponentLoader, ComponentMount } from './components';

/** Options of `startLazy` (all optional). */
export interface LazyStartOptions {
  /** How far outside the viewport elements start loading, CSS margin syntax. Default `200px`. */
  rootMargin?: string;
  /** IntersectionObserver threshold, 0 to 1. Default 0. */
  threshold?: number;
  /** Fade elements in over this many ms once loaded; 0 (default) = no fade. Never applied to eagerly loaded (first-viewport) elements. */
  fadeMs?: number;
  /** Remember, per page path, which lazy element was the LCP element and never defer it on later visits. Default true. */
  rememberLcp?: boolean;
  /** Loaders of `[data-lazy-component]` elements by name (more with `registerComponent`). */
  components?: Record<string, ComponentLoader>;
  /** Called after an element has loaded. */
  onLoad?: (el: HTMLElement) => void;
  /** Called when an element failed to load (it has the class `pp-error`; `retry()` tries again). */
  onError?: (el: HTMLElement) => void;
}

/** Counters of lazy loading. */
export interface LazyStats {
  /** Elements loaded (eagerly or on approach). */
  loaded: number;
  /** Elements loaded at once because they were in the first viewport or remembered as LCP element. */
  eager: number;
  /** Elements whose loading was deferred until they approached the viewport. */
  deferred: number;
  /** Deferred elements not loaded (yet, or ever: removed before they were needed). */
  neverNeeded: number;
  /** Elements that failed to load. */
  errors: number;
  /** Estimated bytes not downloaded: never-needed elements × the mean body size of loaded ones (resource timing). */
  bytesSaved: number;
}

/** A running lazy loader. */
export interface LazyLoader {
  /** Counters so far. */
  stats(): LazyStats;
  /** Registers the loader of `[data-lazy-component="name"]` elements. */
  registerComponent(name: string, loader: ComponentLoader): void;
  /** Loads failed elements again (all of them, or just `el`). */
  retry(el?: Element): void;
  /** Stops observing; elements not loaded yet stay as they are. */
  destroy(): void;
}

const CLS = ['pp-loading', 'pp-loaded', 'pp-error'] as const;

/**
 * Starts lazy loading of `img[data-src]`, `[data-srcset]`/`[data-sizes]`, `<picture>` sources,
 * `iframe[data-src]`, videos, `[data-bg]` and `[data-lazy-component]`, present now or added later.
 * What shows in the first viewport at start loads at once with `fetchpriority="high"`.
 * @example
 * const lazy = startLazy({ rootMargin: '300px' });
 * lazy.registerComponent('chart', () => import('./chart.js'));
 */
export function startLazy(options: LazyStartOptions = {}, deps: LoadingDeps = NO_DEPS): LazyLoader {
  const { rootMargin = '200px', threshold = 0, fadeMs = 0 } = options;
  const registry = createRegistry(options.components);
  const seen = new Set<HTMLElement>(); // every element handled, loaded or waiting
  const waiting = new Set<HTMLElement>(); // observed, not loaded yet
  const failed = new Set<HTMLElement>();
  const urls: string[] = []; // of loaded elements, for their sizes
  const s = { loaded: 0, eager: 0, deferred: 0, removed: 0, errors: 0 };
  let live = true;
  let reported = '';
  // Deferred elements are held until the start-up scan is done, the LCP memory has been read
  // and the eager elements (first viewport, LCP) have settled, so that nothing the visitor
  // cannot see yet takes bandwidth from what they see first; 1.5 s at most.
  let holds = options.rememberLcp === false ? 1 : 2;
  let held: HTMLElement[] | undefined = [];
  const release = () => {
    if (live) held?.forEach((el) => waiting.has(el) && io.observe(el));
    held = undefined;
  };
  const unhold = () => !--holds && release();

  const hook = (fn: ((el: HTMLElement) => void) | undefined, el: HTMLElement) => fn && safe(deps, 'lazy.hook', fn, false)(el); // the page's own code: not our overhead

  const start = (el: HTMLElement, eager: boolean) => {
    waiting.delete(el);
    failed.delete(el);
    el.classList.remove(CLS[2]);
    el.classList.add(CLS[0]);
    const fade = fadeMs && !eager;
    if (fade) el.style.opacity = '0';
    if (eager) holds++;
    const done = (ok: boolean, url?: string) => {
      if (!live) return;
      if (eager) unhold();
      el.classList.replace(CLS[0], CLS[ok ? 1 : 2]);
      if (fade) {
        el.style.transition = `opacity ${fadeMs}ms`;
        el.style.opacity = '';
      }
      if (ok) {
        s.loaded++;
        if (url) urls.push(url);
        hook(options.onLoad, el);
      } else {
        s.errors++;
        failed.add(el);
        hook(options.onError, el);
      }
    };
    if (el.hasAttribute('data-lazy-component')) registry.mount(el, done);
    else reveal(el, eager, done);
  };

  const io = new IntersectionObserver(safe(deps, 'lazy', (entries: IntersectionObserverEntry[]) => {
    for (const e of entries) {
      const el = e.target as HTMLElement;
      if (e.isIntersecting && waiting.has(el)) {
        io.unobserve(el);
        start(el, false);
      }
    }
  }), { rootMargin, threshold });

  /** Picks up every lazy element in `root` (itself included); `first` = the start-up scan. */
  const scan = (root: Element, first: boolean) => {
    const found = [...(root.matches(LAZY_SELECTOR) ? [root] : []), ...root.querySelectorAll(LAZY_SELECTOR)];
    for (const x of found) {
      const el = lazyTarget(x);
      if (!el || seen.has(el)) continue;
      seen.add(el);
      // The LCP guard: what the visitor sees first must not wait for an observer round trip.
      if (first && inViewport(el)) {
        s.eager++;
        start(el, true);
      } else {
        s.deferred++;
        waiting.add(el);
        if (held) held.push(el);
        else io.observe(el);
      }
    }
  };

  const forget = (root: Element) => {
    for (const x of [root, ...root.querySelectorAll(LAZY_SELECTOR)]) {
      const el = lazyTarget(x);
      if (el && waiting.has(el) && !el.isConnected) {
        io.unobserve(el);
        waiting.delete(el);
        seen.delete(el); // so that it is picked up again if it comes back
        s.removed++;
      }
    }
  };

  const mo = new MutationObserver(safe(deps, 'lazy', (records: MutationRecord[]) => {
    for (const r of records) {
      r.removedNodes.forEach((n) => n instanceof Element && forget(n));
      r.addedNodes.forEach((n) => n instanceof Element && scan(n, false));
    }
  }));

  let releaseTimer: ReturnType<typeof setTimeout> | undefined;
  const init = safe(deps, 'lazy', () => {
    if (!live) return;
    document.removeEventListener('DOMContentLoaded', init);
    scan(document.documentElement, true);
    mo.observe(document.documentElement, { childList: true, subtree: true });
    unhold();
    releaseTimer = setTimeout(release, 1500);
  });
  // Elements parsed after start are judged once the document is whole, so that the first
  // viewport is the real one.
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();

  let unLcp = () => {};
  if (options.rememberLcp !== false) {
    unLcp = rememberLcp((el) => seen.has(el as HTMLElement));
    void rememberedLcp().then(safe(deps, 'lazy', (url?: string) => {
      for (const el of waiting) {
        if (live && url && lazyKey(el) == url) {
          io.unobserve(el);
          s.deferred--;
          s.eager++;
          start(el, true);
        }
      }
      unhold();
    }));
  }

  const stats = (): LazyStats => {
    let sum = 0;
    let n = 0;
    for (const u of urls) {
      const e = performance.getEntriesByName(new URL(u, document.baseURI).href)[0] as PerformanceResourceTiming | undefined;
      if (e?.encodedBodySize) {
        sum += e.encodedBodySize;
        n++;
      }
    }
    const never = waiting.size + s.removed;
    return { loaded: s.loaded, eager: s.eager, deferred: s.deferred, neverNeeded: never, errors: s.errors, bytesSaved: n && Math.round((sum / n) * never) };
  };

  // One summary event whenever the page is hidden and something changed since the last one.
  const onHide = safe(deps, 'lazy', () => {
    const st = stats();
    const key = JSON.stringify(st);
    if (key == reported) return;
    reported = key;
    const { loaded, ...attrs } = st;
    deps.report({ kind: 'lazy', name: 'lazy', value: loaded, ts: now(), attrs });
  });
  const unHide = subscribeHide(onHide, deps.onHide);

  return {
    stats,
    registerComponent: registry.register,
    retry(el) {
      for (const f of [...failed]) if (!el || f == el) start(f, false);
    },
    destroy() {
      live = false;
      clearTimeout(releaseTimer);
      io.disconnect();
      mo.disconnect();
      unLcp();
      unHide();
      document.removeEventListener('DOMContentLoaded', init);
    },
  };
}
