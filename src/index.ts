import { sendEarly } from './beacon/early';
import { MAX_QUEUE } from './beacon/limits';
import type { Sender, SenderStats } from './beacon/sender';
import { resolveConfig } from './core/config';
import type { PagePaceConfig } from './core/config';
import { fail, PagePaceError } from './core/errors';
import { createGuard } from './core/guard';
import { whenIdleAfterLoad } from './core/idle';
import { importWhenOnline } from './core/online';
import { loadSession } from './core/ids';
import { stripEventUrls, stripUrl } from './core/privacy';
import type { Attrs, PerfEvent } from './core/types';
import { finite, flatAttrs, metricName } from './core/validate';
import { startFirstViewport } from './loading/firstViewport';
import type { ComponentLoader, LazyLoader, LazyStats } from './loading/lazy';
import type { Prefetcher, PrefetchStats } from './loading/prefetch';
import type { SwCounters, SwHandle } from './sw-client';
import { createSummary } from './vitals/summary';
import type { Summary } from './vitals/summary';
import type { Budgets } from './vitals/budgets';
import { startSources } from './vitals/sources';

export { PagePaceError } from './core/errors';
export { PROTOCOL_VERSION } from './core/types';
export type { AttrValue, Attrs, Batch, PerfEvent, Rating } from './core/types';
export type {
  BatchOptions, BudgetBreach, Format, LazyOptions, PagePaceConfig, PrefetchOptions, PrivacyOptions,
  ServiceWorkerOptions, TransportFn, TransportRequest, VitalsOptions, WorkerOptions,
} from './core/config';
export type { Grade, MetricSummary, Summary } from './vitals/summary';
export type { MemoryOptions } from './vitals/memory';
export type { RouteOptions } from './vitals/routes';

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

export { MAX_QUEUE } from './beacon/limits';
export type { SenderStats } from './beacon/sender';

/**
 * Starts pagepace with the parts `config` asks for.
 * @throws PagePaceError on an unknown key, a wrong type or an out-of-range value.
 * @example
 * const pace = createPagePace({ endpoint: '/collect' });
 * pace.mark('checkout:start');
 */
export function createPagePace(config?: PagePaceConfig): PagePace {
  const cfg = resolveConfig(config);
  const guard = createGuard(cfg.debug);
  const session = loadSession(cfg.sampleRate);
  const summary = createSummary();
  // Budgets are opt-in: the code that builds a breach (once per metric and route, with its
  // attribution) is a chunk, fetched only when a budget is set. Until it comes, events over a
  // budget wait for it (the first per metric and route, which is all that can fire; 100 at most).
  let budgets: Budgets | undefined;
  let overBudget: Map<string, PerfEvent> | undefined;
  if (Object.keys(cfg.budgets).length) {
    overBudget = new Map();
    importWhenOnline(() => import('./vitals/budgets')).then(({ createBudgets }) => {
      budgets = createBudgets(cfg.budgets, (b) => {
        if (cfg.onBudgetExceeded && !destroyed) guard.run('onBudgetExceeded', () => cfg.onBudgetExceeded!(b));
      });
      overBudget!.forEach((e) => budgets!.check(e));
      overBudget = undefined;
    }, (err) => guard.report('budgets', err));
  }
  let filtered = 0;
  let destroyed = false;
  let hidden = document.visibilityState === 'hidden';
  let unloadQueued = false;

  const page = () => (cfg.privacy.stripQuery ? stripUrl(location.href) : location.href);
  const sends = session.sampled && !!(cfg.transport || cfg.endpoint);
  let sender: Sender | undefined;
  // Until start-up, events wait here (bounded like the send queue; overflow is counted as dropped).
  let early: PerfEvent[] | undefined = [];
  let earlyDropped = 0;

  /**
   * Start-up runs in idle time after load, in two small steps (vitals, then the sending side), so
   * it never delays the page's first paint. web-vitals reads buffered entries, so nothing is
   * missed. Both are chunks fetched at the first step. A page hide, flush() or destroy() finishes
   * start-up at once; a hide before the sending side has arrived sends the early events itself.
   */
  let senderModule: typeof import('./beacon/sender') | undefined;
  let senderLoad: Promise<void> | undefined;
  let startWanted = false;
  let flushWanted = false;
  // Offline, events wait in `early` for the network (and a hide sends them). flush() waits for
  // the first try only (`senderTried`), never for the network.
  let senderTried: Promise<void> = Promise.resolve();
  const loadSender = (): Promise<void> => {
    if (senderLoad || !sends) return senderTried;
    let tried = () => {};
    senderTried = new Promise((r) => (tried = r));
    senderLoad = importWhenOnline(() => import('./beacon/sender'), tried)
      .then((m) => {
        senderModule = m;
        if (startWanted) start();
        // A flush() asked for while the sending side was away is honoured now.
        if (flushWanted) void sender?.flush(hidden);
      })
      .catch((err) => guard.report('sender', err))
      .finally(tried);
    return senderTried;
  };
  let vitalsStarted = false;
  const startVitals = () => {
    if (vitalsStarted || destroyed || !cfg.vitals) return;
    vitalsStarted = true;
    const opts = cfg.vitals;
    // The web-vitals glue is a chunk too, which then fetches the web-vitals build it needs.
    importWhenOnline(() => import('./vitals/webVitals'))
      .then((m) => (destroyed ? undefined : m.observeVitals(opts, guard.wrap('vitals', record), src.routeAt)))
      .catch((err) => guard.report('vitals', err));
  };
  const start = () => {
    startWanted = true;
    void src.start();
    startVitals();
    void loadSender();
    if (!early || (sends && !senderModule)) return;
    const waiting = early;
    early = undefined;
    if (sends) guard.run('start', () => (sender = senderModule!.createSender(cfg, session, page, guard, (e) => void record(e))));
    for (const e of waiting) sender?.add(e);
  };
  let cancelStart = whenIdleAfterLoad(() => {
    startVitals();
    void loadSender();
    cancelStart = whenIdleAfterLoad(start);
  });

  const flushHidden = () => {
    unloadQueued = false;
    start();
    if (sender) void sender.flush(true);
    else if (sends && early?.length) {
      const events = early.splice(0);
      guard.run('unload', () => sendEarly(events, { sessionId: session.id, page: page(), maxEvents: cfg.batch.maxEvents, endpoint: cfg.endpoint, format: cfg.format, transport: cfg.transport }));
    }
  };

  // Once per hide (visibilitychange and pagehide both come): the counters travel with the last batch.
  let statsSent = false;
  const reportStats = () => {
    if (statsSent || !sends) return;
    statsSent = true;
    const s = api.stats();
    const attrs: Attrs = {};
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') attrs[k] = v;
      else if (v && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'number') attrs[`${k}.${k2}`] = v2;
    }
    record({ kind: 'pagepace', name: 'stats', value: s.sent, ts: Date.now(), attrs });
  };

  /** The one entry of the pipeline; its main-thread time counts as pagepace's own overhead. */
  const record = (raw: PerfEvent): PerfEvent => src.timed(() => recordNow(raw));

  /** privacy → route → summary, callbacks, budgets → beforeSend → batcher. */
  const recordNow = (raw: PerfEvent): PerfEvent => {
    if (destroyed) return raw;
    let e = src.annotate(cfg.privacy.stripQuery ? stripEventUrls(raw) : raw);
    summary.add(e);
    if (cfg.onMetric) guard.run('onMetric', () => cfg.onMetric!(e));
    if (budgets) budgets.check(e);
    else if (overBudget && overBudget.size < 100 && e.value > (cfg.budgets[e.name] ?? Infinity)) {
      // Only the first breach per metric and route can fire: keep that one.
      const k = `${e.name}\u0000${e.attrs?.route ?? ''}`;
      if (!overBudget.has(k)) overBudget.set(k, e);
    }
    if (cfg.beforeSend) {
      let out: ReturnType<NonNullable<typeof cfg.beforeSend>> = e;
      try {
        out = cfg.beforeSend(e);
      } catch (err) {
        // A broken hook must not lose data silently: the event goes as it was, and the error counts.
        guard.report('beforeSend', err);
      }
      if (!out) {
        filtered++;
        return e;
      }
      e = cfg.privacy.stripQuery ? stripEventUrls(out) : out;
    }
    if (early) early.length < MAX_QUEUE ? early.push(e) : earlyDropped++;
    else sender?.add(e);
    // Anything recorded while the page is hidden (CLS and INP arrive then) may be the last chance.
    if (hidden && !unloadQueued) {
      unloadQueued = true;
      queueMicrotask(flushHidden);
    }
    return e;
  };

  // The flush at page hide (encoding, beacons) is pagepace's own main-thread time too.
  const onVisibility = guard.wrap('lifecycle', () => src.timed(() => {
    hidden = document.visibilityState === 'hidden';
    if (hidden) {
      reportStats();
      flushHidden();
    } else statsSent = false;
  }));
  const onPageHide = guard.wrap('lifecycle', () => src.timed(() => {
    hidden = true;
    reportStats();
    flushHidden();
  }));
  document.addEventListener('visibilitychange', onVisibility);
  addEventListener('pagehide', onPageHide);

  // Routes and the overhead meter now; navigation, resources, long frames, memory and the History
  // API follower from a lazy chunk when start-up runs (src.start() in start()).
  const src = startSources(
    {
      ...(cfg.vitals || { navigation: false, resources: false, longFrames: false, memory: false, overhead: false }),
      routes: cfg.routes,
      ignoreUrls: cfg.endpoint ? [cfg.endpoint] : [],
      ...(cfg.privacy.stripQuery ? { url: stripUrl } : {}),
    },
    {
      record,
      guard,
      bytesSent: () => {
        const b = sender?.stats().bytes;
        return b ? b.binary + b.json + b.otlp : 0;
      },
    },
  );

  // Lazy loading is a chunk fetched at once; what the first viewport shows cannot wait for it.
  const loadingDeps = { report: (e: PerfEvent) => void record(e), onError: guard.report, debug: cfg.debug, timed: <T>(fn: () => T) => src.timed(fn) };
  let lazy: LazyLoader | undefined;
  let stopFirst = () => {};
  const components: Record<string, ComponentLoader> = {};
  if (cfg.lazy) {
    const opts = cfg.lazy;
    stopFirst = guard.run('lazy', startFirstViewport) ?? stopFirst;
    importWhenOnline(() => import('./loading/lazy'))
      .then((m) => void (destroyed || (lazy = guard.run('lazy', () => m.startLazy({ ...opts, components: { ...opts.components, ...components } }, loadingDeps)))))
      .catch((e) => guard.report('lazy', e));
  }
  // Prefetching only ever acts in idle time: its code is a chunk of its own.
  let prefetch: Prefetcher | undefined;
  if (cfg.prefetch) {
    const opts = cfg.prefetch;
    importWhenOnline(() => import('./loading/prefetch'))
      .then((m) => void (destroyed || (prefetch = guard.run('prefetch', () => m.startPrefetch(opts, loadingDeps)))))
      .catch((e) => guard.report('prefetch', e));
  }
  // The service worker client (workbox-window) is a chunk too; it registers after load.
  let sw: SwHandle | undefined;
  let swLatest: SwCounters | undefined;
  let swTimer: ReturnType<typeof setInterval> | undefined;
  if (cfg.serviceWorker) {
    const o = cfg.serviceWorker;
    importWhenOnline(() => import('./sw-client'))
      .then((m) => {
        if (destroyed) return;
        sw = m.registerServiceWorker({ url: o.url, ...(o.scope ? { scope: o.scope } : {}), ...(o.config ? { config: o.config } : {}), onError: (e) => guard.report('serviceWorker', e) });
        const poll = () => void sw?.stats().then((st) => void (st && (swLatest = m.swCounters(st))), (e) => guard.report('serviceWorker', e));
        void sw.ready.then(poll);
        swTimer = setInterval(poll, 10_000);
      })
      .catch((e) => guard.report('serviceWorker', e));
  }


  const now = () => performance.timeOrigin + performance.now();

  const api: PagePace = {
    mark(name) {
      metricName('mark(name)', name);
      const m = performance.mark(name);
      return record({ kind: 'mark', name, value: m.startTime, unit: 'ms', ts: now() });
    },
    measure(name, startMark, endMark) {
      metricName('measure(name)', name);
      if (startMark !== undefined) metricName('measure(startMark)', startMark);
      if (endMark !== undefined) metricName('measure(endMark)', endMark);
      let m: PerformanceMeasure;
      try {
        m = performance.measure(name, startMark, endMark);
      } catch {
        const missing = [startMark, endMark].find((x) => x !== undefined && !performance.getEntriesByName(x, 'mark').length);
        throw new PagePaceError(
          'measure(startMark)',
          `pagepace: measure(${JSON.stringify(name)}) needs existing marks; received ${JSON.stringify(missing ?? startMark)}, which has not been marked. Call mark(${JSON.stringify(missing ?? startMark)}) first.`,
        );
      }
      return record({ kind: 'measure', name, value: m.duration, unit: 'ms', ts: now() });
    },
    track(name, value, attrs) {
      metricName('track(name)', name);
      finite('track(value)', value);
      const a = flatAttrs('track(attrs)', attrs);
      return record({ kind: 'custom', name, value, ts: now(), ...(a ? { attrs: a } : {}) });
    },
    async flush() {
      start();
      flushWanted = !sender;
      await loadSender();
      await sender?.flush(hidden);
    },
    summary: (route) => summary.summary(route),
    route(name) {
      metricName('route(name)', name);
      src.route(name);
    },
    registerComponent(name, loader) {
      metricName('registerComponent(name)', name);
      if (typeof loader != 'function') fail('registerComponent(loader)', loader, `a function that loads the component, such as () => import("./${name}.js")`);
      if (lazy) lazy.registerComponent(name, loader);
      else components[name] = loader; // lazy loading's chunk takes them when it starts
    },
    retryLazy(el) {
      if (el !== undefined && !(el instanceof Element)) fail('retryLazy(el)', el, 'an element that failed to load (class pp-error), or nothing to retry them all');
      lazy?.retry(el);
    },
    preconnect: (origins) => prefetch?.preconnect(origins),
    serviceWorker: () => sw,
    stats() {
      const empty: SenderStats = {
        queued: 0, sent: 0, dropped: 0, retried: 0, rejected: 0, batches: 0, bytes: { binary: 0, json: 0, otlp: 0 },
        beacons: 0, fetches: 0, encoder: undefined, outbox: undefined,
      };
      const s = sender?.stats() ?? empty;
      const lz = lazy?.stats();
      const pf = prefetch?.stats();
      return {
        ...s, dropped: s.dropped + earlyDropped, filtered, errors: guard.errors, sampled: session.sampled,
        ...(lz ? { lazy: lz } : {}), ...(pf ? { prefetch: pf } : {}), ...(swLatest ? { sw: swLatest } : {}),
      };
    },
    async destroy() {
      if (destroyed) return;
      src.destroy(); // before start(): the lazy sources are not loaded only to be stopped
      cancelStart();
      clearInterval(swTimer);
      sw?.destroy();
      stopFirst();
      lazy?.destroy();
      prefetch?.destroy();
      vitalsStarted = true; // never start web-vitals only to stop it
      start(); // events recorded so far still go out (once the sending side has arrived)
      document.removeEventListener('visibilitychange', onVisibility);
      removeEventListener('pagehide', onPageHide);
      destroyed = true;
      await loadSender();
      await sender?.flush(hidden);
      await sender?.destroy();
    },
  };
  return api;
}
