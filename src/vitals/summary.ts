import type { PerfEvent, Rating } from '../core/types';
import { grade, overallGrade, rate, THRESHOLDS } from './grade';
import type { Grade } from './grade';
import { createSketch, DEFAULT_ALPHA, rankOf } from './exact';
import type { Sketch, SketchOps } from './exact';
import { partsOf } from './parts';

export { grade, overallGrade, rate, THRESHOLDS } from './grade';
export type { Grade } from './grade';

/** Summary of one metric. */
export interface MetricSummary {
  count: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  /** Rating of p75 against Google's thresholds; absent for metrics without thresholds. */
  rating?: Rating;
  /** A–F grade of p75; absent for metrics without thresholds. */
  grade?: Grade;
}

/**
 * What `summary()` returns: one entry per metric name, plus the overall grade. With attribution on
 * (the default), LCP and INP have an entry per part too: `LCP.timeToFirstByte`,
 * `LCP.resourceLoadDelay`, `LCP.resourceLoadDuration`, `LCP.elementRenderDelay`, `INP.inputDelay`,
 * `INP.processingDuration`, `INP.presentationDelay` (no rating or grade: Google has no thresholds for parts).
 */
export interface Summary {
  [metric: string]: MetricSummary | { grade?: Grade };
  overall: { grade?: Grade };
}

/** Options of {@link createSummary}. */
export interface SummaryOptions {
  /** Relative accuracy of the percentiles (see sketch.ts). Default 0.005. */
  alpha?: number;
  /** Web-vitals ids remembered to replace a metric's earlier report. Default {@link SUMMARY_WINDOW}. */
  maxIds?: number;
  /** Metric names summarised; events of further names are not summarised (still sent). Default 256. */
  maxMetrics?: number;
  /** Routes summarised separately (`attrs.route`). Default 50. */
  maxRoutes?: number;
}

/** A running summary: feed it events, read percentiles, ratings and grades. */
export interface SummaryStore {
  /** Adds an event's value under its name (and its route's). A vital's later report replaces its earlier one. */
  add: (e: PerfEvent) => void;
  /** Percentiles, rating and grade per metric, and the overall grade; for one route when given. */
  summary(route?: string): Summary;
  /** The routes seen (from `attrs.route`), oldest first. */
  routes(): string[];
  /** The metric names summarised (of one route). */
  metrics(route?: string): string[];
  /** The sketch of one metric (of one route), for charts or custom quantiles. */
  sketch(name: string, route?: string): Sketch | undefined;
  /** The sketch of one metric (of one route), created if there is room (see the `max*` options). */
  sketchFor(name: string, route?: string): Sketch | undefined;
}

/** Web-vitals ids remembered per metric in a page (the oldest is forgotten beyond this). */
export const SUMMARY_WINDOW = 500;

/** The value at quantile q of sorted values (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[rankOf(sorted.length, q)]!;
}

/** Percentiles, rating and grade of one sketch, its quantiles taken by `quantile`. */
export function summariseWith(quantile: SketchOps['quantile'], name: string, s: Sketch): MetricSummary {
  const out = { count: s.count } as MetricSummary;
  for (const p of [50, 75, 90, 95, 99] as const) out[`p${p}`] = quantile(s, p / 100);
  // Own keys only: a metric named `constructor` has no thresholds.
  const t = Object.hasOwn(THRESHOLDS, name) ? THRESHOLDS[name] : undefined;
  if (t && s.count) {
    out.rating = rate(out.p75, t);
    out.grade = grade(out.p75, t);
  }
  return out;
}

/**
 * Collects event values per metric name (and per route) in sketches, through `ops`: sketch.ts's
 * (createSummary.ts: bounded memory however long the page lives, the collector's field view), or
 * a page's exact ones until those have come (index.ts). `ops` is read at every call, so its
 * functions may be swapped for others on the same sketches.
 */
export function summaryStore(ops: SketchOps, opts: SummaryOptions = {}): SummaryStore {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const maxIds = opts.maxIds ?? SUMMARY_WINDOW;
  const maxMetrics = opts.maxMetrics ?? 256;
  const maxRoutes = opts.maxRoutes ?? 50;
  const all = new Map<string, Sketch>();
  const byRoute = new Map<string, Map<string, Sketch>>();
  /** name → id → [value, route] of the latest report, to replace it on the next. */
  const latest = new Map<string, Map<string, [number, string | undefined]>>();

  const sketchIn = (map: Map<string, Sketch>, name: string): Sketch | undefined => {
    let s = map.get(name);
    if (!s && map.size < maxMetrics) map.set(name, (s = createSketch(alpha)));
    return s;
  };
  const routeMap = (route: string): Map<string, Sketch> | undefined => {
    let m = byRoute.get(route);
    if (!m && byRoute.size < maxRoutes) byRoute.set(route, (m = new Map<string, Sketch>()));
    return m;
  };
  const sketchFor = (name: string, route?: string) => {
    const map = route === undefined ? all : routeMap(route);
    return map && sketchIn(map, name);
  };
  const put = (name: string, route: string | undefined, v: number, remove: boolean) => {
    for (const s of [sketchFor(name), route === undefined ? undefined : sketchFor(name, route)]) if (s) (remove ? ops.remove : ops.add)(s, v);
  };
  const mapOf = (route?: string) => (route === undefined ? all : byRoute.get(route));

  const summaryOf = (map: Map<string, Sketch> | undefined): Summary => {
    const out: Array<[string, MetricSummary]> = [];
    const grades: Grade[] = [];
    for (const [name, s] of map ?? []) {
      if (!s.count) continue;
      const m = summariseWith(ops.quantile, name, s);
      if (m.grade) grades.push(m.grade);
      out.push([name, m]);
    }
    // fromEntries defines own properties: a metric named `__proto__` is an entry, not a prototype.
    return { ...Object.fromEntries(out), overall: { grade: overallGrade(grades) } };
  };

  const store: SummaryStore = {
    add(e) {
      // Names that are not metrics: `resource` events are named by URL, `route` marks a view, `context` describes it.
      if (e.kind == 'resource' || e.kind == 'route' || e.kind == 'context' || !Number.isFinite(e.value)) return;
      const r = e.attrs?.route;
      const route = typeof r === 'string' ? r : undefined;
      // The vital, then its parts (`LCP.timeToFirstByte` …) as metrics of their own.
      for (const [name, v] of [[e.name, e.value] as [string, number], ...partsOf(e)]) {
        // A vital is reported again as it changes (reportAllChanges, bfcache, soft navigations):
        // only its latest value per id counts.
        if (e.kind === 'vital' && e.id) {
          const ids = latest.get(name) ?? new Map<string, [number, string | undefined]>();
          latest.set(name, ids);
          const prev = ids.get(e.id);
          if (prev) put(name, prev[1], prev[0], true);
          ids.delete(e.id);
          ids.set(e.id, [v, route]);
          if (ids.size > maxIds) ids.delete(ids.keys().next().value!);
        }
        put(name, route, v, false);
      }
    },
    summary: (route) => summaryOf(mapOf(route)),
    routes: () => [...byRoute.keys()],
    metrics: (route) => [...(mapOf(route)?.keys() ?? [])],
    sketch: (name, route) => mapOf(route)?.get(name),
    sketchFor,
  };
  return store;
}
