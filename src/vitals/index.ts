// `pagepace/vitals`: the measurement parts on their own.
export { observeVitals, vitalEvent } from './webVitals';
export type { ObserveVitalsOptions } from './webVitals';
export { createSummary, grade, overallGrade, percentile, rate, THRESHOLDS, SUMMARY_WINDOW } from './summary';
export type { Grade, MetricSummary, Summary } from './summary';
