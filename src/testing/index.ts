/**
 * `pagepace/playwright`: performance tests of your own pages with Playwright. Measure a page N
 * times in fresh contexts under a throttling profile, assert budgets on percentiles, and compare
 * two sets of runs with a statistical test instead of a single-run threshold.
 * @packageDocumentation
 */
export { measure } from './measure';
export type { MeasureOptions } from './measure';
export { applyProfile, PROFILES, resolveProfile } from './profiles';
export type { NetworkConditions, Profile, ProfileInput } from './profiles';
export { withDelay } from './delay';
export { checkBudgets, expectBudgets } from './budgets';
export type { Budget, BudgetViolation } from './budgets';
export { compare } from './compare';
export type { CompareOptions, Comparison, MetricComparison, Verdict } from './compare';
export { loadBaseline, saveBaseline } from './baseline';
export { cliffsDelta, effectSize, mannWhitneyU, median, quantile } from './stats';
export type { MannWhitney } from './stats';
export type { Results, RunResult } from './types';
