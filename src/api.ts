import type { Sender, SenderStats } from './beacon/sender';
import { fail, PagePaceError } from './core/errors';
import type { Guard } from './core/guard';
import type { Session } from './core/ids';
import type { LazyPart } from './core/lazyPart';
import type { Attrs, PerfEvent } from './core/types';
import { finite, flatAttrs, metricName } from './core/validate';
import type { ComponentLoader, LazyLoader, LazyStats } from './loading/lazy';
import type { Prefetcher, PrefetchStats } from './loading/prefetch';
import type { PolledServiceWorker, SwCounters, SwHandle } from './sw-client';
import type { Sources } from './vitals/sources';
import type { Summary, SummaryStore } from './vitals/summary';

/** Counters of every part, from `stats()`. */
export interface PagePaceStats extends SenderStats {
  /** Events a `beforeSend` hook dropped on purpose. */
  filtered: number;
  /** pagepace's own caught failures (never thrown into the page). */
  errors: number;
  /** Whether this session was sampled in (only sampled sessions send). */
  sampled: boolean;
  /** Lazy loading: elements loaded, eager (first viewport), deferred, never needed, errors, bytes not downloaded. */
  lazy?: LazyStats;
  /** Prefetching: prefetched, hits, hit rate, bytes and wasted bytes (session), preconnects. */
  prefetch?: PrefetchStats;
  /** Service worker tiers (latest snapshot), when `serviceWorker` is on. */
  sw?: SwCounters;
}

/** A running pagepace instance. */
export interface PagePace {
  /** Records `performance.mark(name)`; event kind `mark`, value = its startTime (ms). */
  mark(name: string): PerfEvent;
  /** Records `performance.measure(name, startMark?, endMark?)`; kind `measure`, value = duration (ms). */
  measure(name: string, startMark?: string, endMark?: string): PerfEvent;
  /** Records a custom value; kind `custom`, attrs kept. */
  track(name: string, value: number, attrs?: Attrs): PerfEvent;
  /** Sends what is queued; resolves once it is sent (or failed and counted). Never rejects. */
  flush(): Promise<void>;
  /** Percentiles, rating and grade per metric, and an overall grade; of one route's views when given. */
  summary(route?: string): Summary;
  /** Starts a new route view: INP, CLS and custom metrics from now on are attributed to `name`. */
  route(name: string): void;
  /** Counters of every part. */
  stats(): PagePaceStats;
  /** Registers a loader for `[data-lazy-component="name"]` elements. */
  registerComponent(name: string, loader: ComponentLoader): void;
  /** Loads failed lazy elements (class `pp-error`) again: all of them, or just `el`. */
  retryLazy(el?: Element): void;
  /** Adds `<link rel="preconnect">` for origins the page will need soon. */
  preconnect(origins: string[]): void;
  /** The service worker handle (updates, tier stats, invalidation), once registered. */
  serviceWorker(): SwHandle | undefined;
  /** Removes every listener, observer and timer pagepace added, then flushes. */
  destroy(): Promise<void>;
}

/** What the public methods act on: the running parts, wired by createPagePace. */
export interface ApiDeps {
  record(e: PerfEvent): PerfEvent;
  summary: SummaryStore;
  src: Sources;
  guard: Guard;
  session: Session;
  counts: { filtered: number; earlyDropped: number; earlyJson: number };
  /** Components registered before lazy loading's chunk arrived; it takes them when it starts. */
  components: Record<string, ComponentLoader>;
  sender: LazyPart<Sender>;
  lazy: LazyPart<LazyLoader>;
  prefetch: LazyPart<Prefetcher>;
  sw: LazyPart<PolledServiceWorker>;
  flush: () => Promise<void>;
  destroy: () => Promise<void>;
}

// Before the sending side has started: every counter 0 (encoder, outbox and unload undefined).
const EMPTY = {
  ...Object.fromEntries('queued sent dropped retried rejected batches beacons fetches jsonFallbacks deferred deferredRefused'.split(' ').map((k) => [k, 0])),
  bytes: { binary: 0, json: 0, otlp: 0 },
} as unknown as SenderStats;

const now = () => performance.timeOrigin + performance.now();

/** The public methods: each validates its arguments (PagePaceError), then hands over to a part. */
export function createApi(d: ApiDeps): PagePace {
  return {
    mark(name) {
      metricName('mark(name)', name);
      const m = performance.mark(name);
      return d.record({ kind: 'mark', name, value: m.startTime, unit: 'ms', ts: now() });
    },
    measure(name, startMark, endMark) {
      metricName('measure(name)', name);
      if (startMark !== undefined) metricName('measure(startMark)', startMark);
      if (endMark !== undefined) metricName('measure(endMark)', endMark);
      let m: PerformanceMeasure;
      try {
        m = performance.measure(name, startMark, endMark);
      } catch {
        const missing = JSON.stringify([startMark, endMark].find((x) => x !== undefined && !performance.getEntriesByName(x, 'mark').length) ?? startMark);
        throw new PagePaceError('measure(startMark)', `pagepace: measure(${JSON.stringify(name)}) needs existing marks; received ${missing}, which has not been marked. Call mark(${missing}) first.`);
      }
      return d.record({ kind: 'measure', name, value: m.duration, unit: 'ms', ts: now() });
    },
    track(name, value, attrs) {
      metricName('track(name)', name);
      finite('track(value)', value);
      const a = flatAttrs('track(attrs)', attrs);
      return d.record({ kind: 'custom', name, value, ts: now(), ...(a ? { attrs: a } : {}) });
    },
    flush: d.flush,
    summary: (route) => d.summary.summary(route),
    route(name) {
      metricName('route(name)', name);
      d.src.route(name);
    },
    registerComponent(name, loader) {
      metricName('registerComponent(name)', name);
      if (typeof loader != 'function') fail('registerComponent(loader)', loader, `a function that loads the component, such as () => import("./${name}.js")`);
      if (d.lazy.value) d.lazy.value.registerComponent(name, loader);
      else d.components[name] = loader;
    },
    retryLazy(el) {
      if (el !== undefined && !(el instanceof Element)) fail('retryLazy(el)', el, 'an element that failed to load (class pp-error), or nothing to retry them all');
      d.lazy.value?.retry(el);
    },
    preconnect: (origins) => d.prefetch.use((p) => p.preconnect(origins)),
    serviceWorker: () => d.sw.value?.handle,
    stats() {
      const s = d.sender.value?.stats() ?? EMPTY;
      const lz = d.lazy.value?.stats();
      const pf = d.prefetch.value?.stats();
      const sw = d.sw.value?.latest();
      // Only the parts that run: a missing key says the part is off (or its chunk has not arrived).
      return {
        ...s, dropped: s.dropped + d.counts.earlyDropped, jsonFallbacks: s.jsonFallbacks + d.counts.earlyJson,
        filtered: d.counts.filtered, errors: d.guard.errors, sampled: d.session.sampled,
        ...(lz ? { lazy: lz } : {}), ...(pf ? { prefetch: pf } : {}), ...(sw ? { sw } : {}),
      };
    },
    destroy: d.destroy,
  };
}
