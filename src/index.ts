import { sendEarly } from './beacon/early';
import { MAX_QUEUE } from './beacon/limits';
import { resolveConfig } from './core/config';
import type { PagePaceConfig } from './core/config';
import { createGuard } from './core/guard';
import { loadSession } from './core/ids';
import { lazyPart } from './core/lazyPart';
import { createLifecycle } from './core/lifecycle';
import { runPipeline } from './core/pipeline';
import type { Step } from './core/pipeline';
import { whenActivated } from './core/prerender';
import { stripEventUrls, stripUrl } from './core/privacy';
import { startInSteps } from './core/startup';
import type { Startup } from './core/startup';
import type { PerfEvent } from './core/types';
import { startFirstViewport } from './loading/firstViewport';
import type { ComponentLoader } from './loading/lazy';
import { createApi } from './api';
import { outsideZone } from './core/zone';
import type { PagePace } from './api';
import { exactOps } from './vitals/exact';
import { summaryStore } from './vitals/summary';
import { startSources } from './vitals/sources';
import { timelineVitals } from './vitals/timeline';

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

export type { PagePace, PagePaceStats } from './api';
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
  // In zone.js's root zone (core/zone.ts): nothing the start-up schedules runs the host's change detection.
  return outsideZone(() => start(config));
}

function start(config?: PagePaceConfig): PagePace {
  const cfg = resolveConfig(config);
  const guard = createGuard(cfg.debug);
  const session = loadSession(cfg.sampleRate);
  // summary() answers at once: a metric's values are kept exactly, and from its 33rd on the
  // bucketed sketch (a chunk: most pages never have that many of one metric) takes over.
  const sketchOps = exactOps(() => void sketch.load());
  const summary = summaryStore(sketchOps);
  const sketch = lazyPart('summary', guard, () => import('./vitals/buckets'), (m) => Object.assign(sketchOps, m.SKETCH_OPS));
  const life = createLifecycle((fn) => guard.wrap('lifecycle', () => src.timed(fn)));
  // A function: the session is read when first needed (core/ids.ts), not by the evaluation task.
  const sends = () => !!(cfg.transport || cfg.endpoint) && session.sampled;
  const page = () => (cfg.privacy.stripQuery ? stripUrl(location.href) : location.href);
  const strip = (e: PerfEvent) => (cfg.privacy.stripQuery ? stripEventUrls(e) : e);
  const counts = { filtered: 0, earlyDropped: 0, earlyJson: 0 };
  let destroyed = false;

  // The sending side, a chunk created at start-up. Until then events wait in `early` (bounded like
  // the send queue; overflow is counted as dropped), and a hide sends them by the early path.
  const sender = lazyPart('sender', guard, () => import('./beacon/sender'),
    (m) => {
      if (!sends()) return undefined;
      const s = m.createSender(cfg, session, page, guard, (e) => void record(e), life, () => api.stats());
      for (const e of early.splice(0)) s.add(e);
      return s;
    });
  const early: PerfEvent[] = [];
  const toSender: Step = (e) => {
    const s = sender.value;
    if (s) s.add(e);
    else if (sends()) early.length < MAX_QUEUE ? early.push(e) : counts.earlyDropped++;
    return e;
  };

  // Budgets are opt-in: the code that builds a breach (once per metric and route) is a chunk,
  // fetched only when a budget is set; events over a budget wait for it (100 at most).
  const budgets = lazyPart('budgets', guard, () => import('./vitals/budgets'), (m) => m.createBudgets(cfg.budgets, (b) => {
    if (cfg.onBudgetExceeded && !destroyed) guard.run('onBudgetExceeded', () => cfg.onBudgetExceeded!(b));
  }));
  const hasBudgets = Object.keys(cfg.budgets).length > 0;

  /** The pipeline, one direction: privacy → route → summary, callbacks, budgets → beforeSend → sender. */
  const steps: Step[] = [
    (e) => (destroyed ? null : strip(e)),
    (e) => src.annotate(e),
    (e) => (summary.add(e), e),
    (e) => (cfg.onMetric && guard.run('onMetric', () => cfg.onMetric!(e)), e),
    // The budgets chunk decides (a vital's parts have budgets of their own names); it is on its way since start.
    (e) => (hasBudgets && budgets.use((b) => b.check(e)), e),
    (e) => {
      if (!cfg.beforeSend) return e;
      let out: ReturnType<NonNullable<typeof cfg.beforeSend>> = e;
      try {
        out = cfg.beforeSend(e);
      } catch (err) {
        // A broken hook must not lose data silently: the event goes as it was, and the error counts.
        guard.report('beforeSend', err);
      }
      if (!out) return counts.filtered++, null;
      return strip(out);
    },
    toSender,
  ];
  /** The one entry of the pipeline; its main-thread time counts as pagepace's own overhead. */
  // Every event, the host's track/mark/measure/route included, goes through here: in zone.js's root
  // zone (core/zone.ts), so the batch timer a call starts never runs the host's change detection.
  const record = (raw: PerfEvent): PerfEvent => outsideZone(() => src.timed(() => runPipeline(steps, raw)));

  // Routes and the overhead meter now; navigation, resources, long frames, memory and the History
  // API follower from a chunk at start-up.
  const src = startSources(
    {
      ...(cfg.vitals || { navigation: false, resources: false, longFrames: false, memory: false, overhead: false }),
      routes: cfg.routes,
      ignoreUrls: cfg.endpoint ? [cfg.endpoint] : [],
      ...(cfg.privacy.stripQuery ? { url: stripUrl } : {}),
    },
    {
      record, guard, onHide: (fn) => life.onHide(fn),
      bytesSent: () => {
        const b = sender.value?.stats().bytes;
        return b ? b.binary + b.json + b.otlp : 0;
      },
    },
  );

  // A page hidden before web-vitals has come reports its vitals from the timeline (timeline.ts);
  // web-vitals, if it comes after all (a tab switch), does not report them again for this view
  // (a back/forward-cache restore or a soft navigation is a new view: its reports go).
  let vitalsLive = false;
  const fromTimeline = new Set<string>();
  const vitals = lazyPart('vitals', guard, () => import('./vitals/webVitals'), (m) => {
    if (cfg.vitals) {
      void m.observeVitals(cfg.vitals, guard.wrap('vitals', (e: PerfEvent) => (fromTimeline.has(e.name) && !/cache|soft/.test(e.attrs!.navigationType as string)) || record(e)), src.routeAt)
        .then(() => (vitalsLive = true), (err) => guard.report('vitals', err));
    }
    return true;
  });
  life.onHide(() => {
    if (!cfg.vitals || vitalsLive || fromTimeline.size) return;
    for (const e of guard.run('vitals', timelineVitals) || []) {
      fromTimeline.add(e.name);
      record(e);
    }
  });

  // Lazy loading and prefetching are chunks; what the first viewport shows cannot wait for lazy
  // loading's, so the eager first-viewport guard starts those images while the chunk is on its way.
  const loadingDeps = { report: (e: PerfEvent) => void record(e), onError: guard.report, debug: cfg.debug, timed: <T>(fn: () => T) => src.timed(fn), onHide: (fn: () => void) => life.onHide(fn) };
  const components: Record<string, ComponentLoader> = {};
  const lazyOpts = cfg.lazy;
  const stopFirst = (lazyOpts && guard.run('lazy', startFirstViewport)) || (() => {});
  const lazy = lazyPart('lazy', guard, () => import('./loading/lazy'),
    (m) => (lazyOpts ? m.startLazy({ ...lazyOpts, components: { ...lazyOpts.components, ...components } }, loadingDeps) : undefined), (l) => l.destroy());
  const prefetchOpts = cfg.prefetch;
  const prefetch = lazyPart('prefetch', guard, () => import('./loading/prefetch'),
    (m) => (prefetchOpts ? m.startPrefetch(prefetchOpts, loadingDeps) : undefined), (p) => p.destroy());
  // The service worker client (workbox-window) is a chunk too; it registers after load.
  const swOpts = cfg.serviceWorker;
  const sw = lazyPart('serviceWorker', guard, () => import('./sw-client'), (m) => (swOpts ? m.startServiceWorker(swOpts, guard) : undefined), (h) => h.destroy());
  // The chunks asked for are fetched from the next task: starting each fetch costs ~1-2 ms at 4×
  // CPU, which the script's evaluation task (already the longest of pagepace's) need not carry.
  // What the first viewport shows is the guard's, above; a budget's events wait for their chunk.
  setTimeout(() => {
    if (destroyed) return;
    if (hasBudgets) void budgets.load();
    if (lazyOpts) void lazy.load();
    if (swOpts) void sw.load();
  });

  /**
   * Start-up, after load in idle time, one small step per task with a yield between: the chunks
   * are fetched, then the sources, web-vitals and the sending side start, each in a task of its
   * own (web-vitals and the observers read buffered entries, so nothing is missed). A hide,
   * flush() or destroy() finishes start-up at once.
   */
  // A prerendered page starts (and so sends) only once activated (core/prerender.ts).
  let startup: Startup | undefined;
  whenActivated(() => (startup = destroyed ? startup : startInSteps([
    () => {
      if (sends()) void sender.load();
    },
    () => void src.start(),
    () => void (cfg.vitals && vitals.load()),
    // Prefetching is for the next page: it starts last, after this page's load, in idle time (as
    // quicklink does), so neither its chunk nor its requests compete with the page's own; a page
    // hidden before then has no next page to prefetch for.
    () => void (prefetchOpts && !life.hidden && prefetch.load()),
  ], (step) => guard.run('start', step))));

  // One request per hide: every part has recorded its hide-time event (the lifecycle's collect
  // phase, web-vitals' INP and CLS before it); the sending side then sends it all (its own send
  // phase subscriber), or, before it has arrived, the early path does.
  life.onHide(() => {
    startup?.finish();
    if (startup && !sender.value && early.length && sends()) {
      if (cfg.format === 'binary') counts.earlyJson++;
      sendEarly(early.splice(0), { sessionId: session.id, page: page(), endpoint: cfg.endpoint, format: cfg.format, transport: cfg.transport });
    }
  }, 'send');

  const api = createApi({
    record, summary, src, guard, counts, session, components,
    sender, lazy, prefetch, sw,
    async flush() {
      startup?.finish();
      if (!startup || !sends()) return;
      await sender.tried;
      // Offline, the sending side may not have come yet: the flush asked for happens when it does.
      if (sender.value) await sender.value.flush(life.hidden);
      else sender.use((s) => void s.flush(false));
    },
    async destroy() {
      if (destroyed) return;
      src.destroy(); // before finish(): the lazy sources are not loaded only to be stopped
      stopFirst();
      lazy.stop();
      prefetch.stop();
      sw.stop();
      vitals.stop(); // never start web-vitals only to stop it
      startup?.finish(); // events recorded so far still go out (once the sending side has arrived)
      life.destroy();
      destroyed = true;
      if (startup && sends()) await sender.tried;
      const s = sender.value;
      if (s) {
        await s.flush(life.hidden);
        await s.destroy();
      }
      sender.stop();
    },
  });
  return api;
}
