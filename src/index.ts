import { createSender } from './beacon/sender';
import type { SenderStats } from './beacon/sender';
import { resolveConfig } from './core/config';
import type { PagePaceConfig } from './core/config';
import { PagePaceError } from './core/errors';
import { createGuard } from './core/guard';
import { loadSession } from './core/ids';
import { stripEventUrls, stripUrl } from './core/privacy';
import type { Attrs, PerfEvent } from './core/types';
import { finite, flatAttrs, metricName } from './core/validate';
import { observeVitals } from './vitals/webVitals';
import { createSummary } from './vitals/summary';
import type { Summary } from './vitals/summary';

export { PagePaceError } from './core/errors';
export { PROTOCOL_VERSION } from './core/types';
export type { AttrValue, Attrs, Batch, PerfEvent, Rating } from './core/types';
export type {
  BatchOptions, BudgetBreach, Format, LazyOptions, PagePaceConfig, PrefetchOptions, PrivacyOptions,
  ServiceWorkerOptions, TransportFn, TransportRequest, VitalsOptions, WorkerOptions,
} from './core/config';
export type { Grade, MetricSummary, Summary } from './vitals/summary';

/** Counters of every part, from `stats()`. */
export interface PagePaceStats extends SenderStats {
  /** Events a `beforeSend` hook dropped on purpose. */
  filtered: number;
  /** pagepace's own caught failures (never thrown into the page). */
  errors: number;
  /** Whether this session was sampled in (only sampled sessions send). */
  sampled: boolean;
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
  /** Percentiles, rating and grade per metric, and an overall grade. */
  summary(): Summary;
  /** Counters of every part. */
  stats(): PagePaceStats;
  /** Removes every listener, observer and timer pagepace added, then flushes. */
  destroy(): Promise<void>;
}

export { MAX_QUEUE } from './beacon/sender';
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
  const breached = new Set<string>();
  let filtered = 0;
  let destroyed = false;
  let hidden = document.visibilityState === 'hidden';
  let unloadQueued = false;

  const page = () => (cfg.privacy.stripQuery ? stripUrl(location.href) : location.href);
  const sender = session.sampled && (cfg.transport || cfg.endpoint)
    ? createSender(cfg, session, page, guard, (e) => void record(e))
    : undefined;

  const flushHidden = () => {
    unloadQueued = false;
    void sender?.flush(true);
  };

  // Once per hide (visibilitychange and pagehide both come): the counters travel with the last batch.
  let statsSent = false;
  const reportStats = () => {
    if (statsSent || !sender) return;
    statsSent = true;
    const s = api.stats();
    const attrs: Attrs = {};
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') attrs[k] = v;
      else if (v && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'number') attrs[`${k}.${k2}`] = v2;
    }
    record({ kind: 'pagepace', name: 'stats', value: s.sent, ts: Date.now(), attrs });
  };

  /** The one entry of the pipeline: privacy → callbacks → beforeSend → batcher. */
  const record = (raw: PerfEvent): PerfEvent => {
    if (destroyed) return raw;
    let e = cfg.privacy.stripQuery ? stripEventUrls(raw) : raw;
    summary.add(e);
    if (cfg.onMetric) guard.run('onMetric', () => cfg.onMetric!(e));
    const budget = cfg.budgets[e.name];
    if (budget !== undefined && e.value > budget && !breached.has(e.name)) {
      breached.add(e.name);
      if (cfg.onBudgetExceeded) guard.run('onBudgetExceeded', () => cfg.onBudgetExceeded!({ metric: e.name, value: e.value, budget, event: e }));
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
    sender?.add(e);
    // Anything recorded while the page is hidden (CLS and INP arrive then) may be the last chance.
    if (hidden && !unloadQueued) {
      unloadQueued = true;
      queueMicrotask(flushHidden);
    }
    return e;
  };

  const onVisibility = guard.wrap('lifecycle', () => {
    hidden = document.visibilityState === 'hidden';
    if (hidden) {
      reportStats();
      flushHidden();
    } else statsSent = false;
  });
  const onPageHide = guard.wrap('lifecycle', () => {
    hidden = true;
    reportStats();
    flushHidden();
  });
  document.addEventListener('visibilitychange', onVisibility);
  addEventListener('pagehide', onPageHide);

  if (cfg.vitals) {
    observeVitals(cfg.vitals, guard.wrap('vitals', record)).catch((err) => guard.report('vitals', err));
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
      await sender?.flush(hidden);
    },
    summary: () => summary.summary(),
    stats() {
      const empty: SenderStats = {
        queued: 0, sent: 0, dropped: 0, retried: 0, rejected: 0, batches: 0, bytes: { binary: 0, json: 0, otlp: 0 },
        beacons: 0, fetches: 0, encoder: undefined, outbox: undefined,
      };
      return { ...(sender?.stats() ?? empty), filtered, errors: guard.errors, sampled: session.sampled };
    },
    async destroy() {
      if (destroyed) return;
      document.removeEventListener('visibilitychange', onVisibility);
      removeEventListener('pagehide', onPageHide);
      destroyed = true;
      await sender?.flush(hidden);
      await sender?.destroy();
    },
  };
  return api;
}
