import { mergeSketch, sketchFromJSON, sketchToJSON } from './sketch';
import type { SketchJSON } from './sketch';
import { createSummary } from './createSummary';
import type { SummaryOptions, SummaryStore } from './summary';
import type { Batch } from '../core/types';

/** The JSON form of a summary: per metric (and per route and metric) sketches. */
export interface SummaryJSON {
  metrics: Record<string, SketchJSON>;
  routes?: Record<string, Record<string, SketchJSON>>;
}

/** A summary as JSON-safe data, e.g. to persist the collector's field view or send it to a dashboard. */
export function summaryToJSON(store: SummaryStore): SummaryJSON {
  const pack = (route?: string) => Object.fromEntries(store.metrics(route).map((name) => [name, sketchToJSON(store.sketch(name, route)!)]));
  const routes = store.routes();
  return { metrics: pack(), ...(routes.length ? { routes: Object.fromEntries(routes.map((r) => [r, pack(r)])) } : {}) };
}

/**
 * Adds another summary (or its JSON) into `into`: percentiles across sessions, tabs or servers.
 * @throws TypeError when the JSON is malformed (nothing is merged from the bad sketch on).
 */
export function mergeSummary(into: SummaryStore, other: SummaryJSON | SummaryStore): SummaryStore {
  const j = 'sketchFor' in other ? summaryToJSON(other) : other;
  if (!j || typeof j !== 'object' || !j.metrics || typeof j.metrics !== 'object') throw new TypeError('invalid summary JSON: metrics must be an object');
  const add = (metrics: Record<string, SketchJSON>, route?: string) => {
    for (const [name, sj] of Object.entries(metrics)) {
      const s = into.sketchFor(name, route);
      if (s) mergeSketch(s, sketchFromJSON(sj));
    }
  };
  add(j.metrics);
  for (const [route, metrics] of Object.entries(j.routes ?? {})) add(metrics, route);
  return into;
}

/** The collector's field view: one summary fed with every batch's events, across sessions. */
export interface FieldSummary {
  /** Adds a decoded batch's events. */
  add(batch: Pick<Batch, 'events'>): void;
  /** The summary store (for `summary()`, `summary(route)`, sketches). */
  store: SummaryStore;
}

/**
 * A field summary for the collector (Node) or the dashboard: the same sketches as a page's
 * `summary()`, remembering many more web-vitals ids (a vital reported again replaces its last
 * value, across all sessions) and more routes.
 */
export function createFieldSummary(opts: SummaryOptions = {}): FieldSummary {
  const store = createSummary({ maxIds: 10_000, maxRoutes: 200, maxMetrics: 1000, ...opts });
  return { store, add: (batch) => batch.events.forEach(store.add) };
}
