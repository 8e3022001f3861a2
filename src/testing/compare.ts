import { cliffsDelta, effectSize, mannWhitneyU, median } from './stats';
import type { Results } from './types';

/** The verdict on one metric, or on the whole comparison. */
export type Verdict = 'regression' | 'improvement' | 'no change';

/** How one metric compares. */
export interface MetricComparison {
  metric: string;
  baseline: { median: number; n: number };
  current: { median: number; n: number };
  /** Change of the median relative to the baseline's: 0.1 is 10% slower, −0.1 10% faster. */
  change: number;
  /** Two-sided Mann–Whitney U p-value. */
  p: number;
  /** Cliff's delta of current vs baseline: positive means current is larger (slower, bigger). */
  delta: number;
  effect: ReturnType<typeof effectSize>;
  verdict: Verdict;
}

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Significance level. Default 0.05. */
  alpha?: number;
  /** Smallest |Cliff's delta| that counts (default 0.147: "small" and up, per Romano et al.). */
  minEffect?: number;
  /**
   * Smallest change of the median that counts, as a fraction of the baseline's median (default
   * 0.1, i.e. 10%). A statistically clear shift of a few percent is usually the machine, not the
   * page: runs measured minutes apart on a shared machine drift by that much.
   */
  minChange?: number;
  /** Only these metrics (default: every metric both sides have). */
  metrics?: string[];
}

/** The result of {@link compare}. */
export interface Comparison {
  verdict: Verdict;
  metrics: MetricComparison[];
}

/**
 * Compares two sets of runs metric by metric with a Mann–Whitney U test and Cliff's delta, rather
 * than one run against a threshold. For every pagepace metric, larger is worse: a significant
 * (p < alpha), non-negligible (|Cliff's delta| ≥ minEffect) increase of the median by at least
 * minChange is a regression, such a decrease an improvement. The overall
 * verdict is a regression if any metric regressed, else an improvement if any improved.
 */
export function compare(baseline: Results, current: Results, opts: CompareOptions = {}): Comparison {
  const alpha = opts.alpha ?? 0.05;
  const minEffect = opts.minEffect ?? 0.147;
  const minChange = opts.minChange ?? 0.1;
  const values = (r: Results, m: string) => r.runs.map((x) => x.metrics[m]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const names = opts.metrics ?? [...new Set(baseline.runs.flatMap((r) => Object.keys(r.metrics)))].filter((m) => current.runs.some((r) => m in r.metrics));
  const metrics = names.map((metric): MetricComparison => {
    const a = values(baseline, metric);
    const b = values(current, metric);
    const { p } = mannWhitneyU(b, a);
    const delta = cliffsDelta(b, a);
    const [ma, mb] = [median(a), median(b)];
    // From a zero median, any change is a whole change.
    const change = ma !== 0 ? (mb - ma) / Math.abs(ma) : mb === 0 ? 0 : Math.sign(mb);
    const significant = p < alpha && Math.abs(delta) >= minEffect && Math.abs(change) >= minChange;
    return {
      metric,
      baseline: { median: ma, n: a.length },
      current: { median: mb, n: b.length },
      change, p, delta, effect: effectSize(delta),
      verdict: !significant ? 'no change' : delta > 0 ? 'regression' : 'improvement',
    };
  });
  const verdict: Verdict = metrics.some((m) => m.verdict === 'regression') ? 'regression' : metrics.some((m) => m.verdict === 'improvement') ? 'improvement' : 'no change';
  return { verdict, metrics };
}
