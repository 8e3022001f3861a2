import { quantile } from './stats';
import type { Results } from './types';

/** A budget: a number (for p75), or limits per percentile, e.g. `{ p75: 2500, p95: 4000 }`. */
export type Budget = number | Partial<Record<'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'max', number>>;

/** One budget a set of runs exceeded. */
export interface BudgetViolation {
  metric: string;
  percentile: string;
  value: number;
  budget: number;
  excess: number;
}

const unitOf = (m: string) => (m === 'CLS' ? '' : /bytes/i.test(m) ? ' B' : /^(longTasks|requests)$/.test(m) ? '' : ' ms');
const show = (m: string, v: number) => `${m === 'CLS' ? v.toFixed(3) : Math.round(v * 10) / 10}${unitOf(m)}`;

/** Checks budgets without throwing: every percentile of every metric that is over its limit. */
export function checkBudgets(results: Results, budgets: Record<string, Budget>): BudgetViolation[] {
  const out: BudgetViolation[] = [];
  for (const [metric, budget] of Object.entries(budgets)) {
    const values = results.runs.map((r) => r.metrics[metric]).filter((v): v is number => typeof v === 'number');
    const limits = typeof budget === 'number' ? { p75: budget } : budget;
    for (const [percentile, limit] of Object.entries(limits)) {
      if (limit === undefined) continue;
      if (!values.length) {
        out.push({ metric, percentile, value: NaN, budget: limit, excess: NaN });
        continue;
      }
      const value = percentile === 'max' ? Math.max(...values) : quantile(values, Number(percentile.slice(1)) / 100);
      if (value > limit) out.push({ metric, percentile, value, budget: limit, excess: value - limit });
    }
  }
  return out;
}

/**
 * Asserts budgets over a set of runs. The error names each metric, the percentile and the excess:
 * `LCP p75 = 2710 ms is over its budget of 2500 ms by 210 ms (8.4%) over 10 runs`.
 * @throws Error listing every violation.
 */
export function expectBudgets(results: Results, budgets: Record<string, Budget>): void {
  const v = checkBudgets(results, budgets);
  if (!v.length) return;
  const n = results.runs.length;
  const lines = v.map((x) => Number.isNaN(x.value)
    ? `${x.metric} was not measured in any of ${n} runs (budget ${x.percentile} ${show(x.metric, x.budget)})`
    : `${x.metric} ${x.percentile} = ${show(x.metric, x.value)} is over its budget of ${show(x.metric, x.budget)} by ${show(x.metric, x.excess)} (${((100 * x.excess) / x.budget).toFixed(1)}%) over ${n} runs`);
  throw new Error(`Performance budgets exceeded for ${results.url}:\n  ${lines.join('\n  ')}`);
}
