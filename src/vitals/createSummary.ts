import { SKETCH_OPS } from './sketch';
import type { Sketch } from './sketch';
import { summariseWith, summaryStore } from './summary';
import type { MetricSummary, SummaryOptions, SummaryStore } from './summary';

/**
 * Collects event values per metric name (and per route) in streaming sketches: bounded memory
 * however many values come, and the same code for the collector's field view and a page's `summary()`.
 */
export function createSummary(opts: SummaryOptions = {}): SummaryStore {
  return summaryStore(SKETCH_OPS, opts);
}

/** Percentiles, rating and grade of one sketch. */
export function summarise(name: string, s: Sketch): MetricSummary {
  return summariseWith(SKETCH_OPS.quantile, name, s);
}
