// `pagepace/vitals`: the measurement parts on their own.
export { observeVitals, vitalEvent, metricTime } from './webVitals';
export type { ObserveVitalsOptions } from './webVitals';
export { percentile, SUMMARY_WINDOW } from './summary';
export { createSummary, summarise } from './createSummary';
export type { MetricSummary, Summary, SummaryOptions, SummaryStore } from './summary';
export { createFieldSummary, mergeSummary, summaryToJSON } from './field';
export type { FieldSummary, SummaryJSON } from './field';
export { grade, overallGrade, rate, THRESHOLDS } from './grade';
export type { Grade } from './grade';
export {
  addValue, createSketch, mergeSketch, quantile, quantiles, removeValue, sketchFromJSON, sketchToJSON,
  DEFAULT_ALPHA, DEFAULT_MAX_BUCKETS, EXACT_LIMIT, MIN_VALUE,
} from './sketch';
export type { Sketch, SketchJSON, SketchOps } from './sketch';
export { attributionOf, createBudgets } from './budgets';
export type { Breach, Budgets } from './budgets';
export { leakEvent, leakSignal } from './leak';
export type { LeakOptions, LeakSignal, MemorySample } from './leak';
export { startSources } from './sources';
export { startLazySources } from './lazySources';
export { watchHistory } from './history';
export type { Sources, SourcesDeps, SourcesOptions } from './sources';
export type { RouteOptions, RouteView } from './routes';
export type { MemoryOptions } from './memory';
export { navigationPhases, navigationEvents } from './navigation';
export { createResourceTally, isCacheHit, resourceEvent } from './resources';
export { loafEvent, longTaskEvent } from './longFrames';
export { createOverhead, takeOverhead } from './overhead';
export type { Overhead } from './overhead';
