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
  /**
   * `p` adjusted for the number of metrics compared (Holm–Bonferroni, unless `correction: 'none'`):
   * the figure held against `alpha`.
   */
  pAdjusted: number;
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
  /**
   * How p-values are adjusted for testing several metrics at once (default `'holm'`). Each metric
   * tested at `alpha` on its own makes a false "regression" somewhere far likelier than `alpha`:
   * with four metrics, up to one A/A comparison in five. Holm–Bonferroni keeps the chance of any
   * false verdict at most `alpha`, and with one metric changes nothing. `'none'` tests each alone.
   */
  correction?: 'holm' | 'none';
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
 * minChange is a regression, such a decrease an improvement. The p-values are adjusted for the
 * number of metrics (Holm–Bonferroni, see `correction`), so the overall verdict, a regression if
 * any metric regressed, else an improvement if any improved, is wrong at most `alpha` of the time.
 */
export function compare(baseline: Results, current: Results, opts: CompareOptions = {}): Comparison {
  const alpha = opts.alpha ?? 0.05;
  const minEffect = opts.minEffect ?? 0.147;
  const minChange = opts.minChange ?? 0.1;
  const values = (r: Results, m: string) => r.runs.map((x) => x.metrics[m]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const names = opts.metrics ?? [...new Set(baseline.runs.flatMap((r) => Object.keys(r.metrics)))].filter((m) => current.runs.some((r) => m in r.metrics));
  const tests = names.map((metric) => {
    const a = values(baseline, metric);
    const b = values(current, metric);
    return { metric, a, b, p: mannWhitneyU(b, a).p };
  });
  const adjusted = opts.correction === 'none' ? tests.map((t) => t.p) : holm(tests.map((t) => t.p));
  const metrics = tests.map(({ metric, a, b, p }, i): MetricComparison => {
    const pAdjusted = adjusted[i]!;
    const delta = cliffsDelta(b, a);
    const [ma, mb] = [median(a), median(b)];
    // From a zero median, any change is a whole change.
    const change = ma !== 0 ? (mb - ma) / Math.abs(ma) : mb === 0 ? 0 : Math.sign(mb);
    const significant = pAdjusted < alpha && Math.abs(delta) >= minEffect && Math.abs(change) >= minChange;
    return {
      metric,
      baseline: { median: ma, n: a.length },
      current: { median: mb, n: b.length },
      change, p, pAdjusted, delta, effect: effectSize(delta),
      verdict: !significant ? 'no change' : delta > 0 ? 'regression' : 'improvement',
    };
  });
  const verdict: Verdict = metrics.some((m) => m.verdict === 'regression') ? 'regression' : metrics.some((m) => m.verdict === 'improvement') ? 'improvement' : 'no change';
  return { verdict, metrics };
}

/**
 * Holm–Bonferroni adjusted p-values, in the order given: the i-th smallest p is multiplied by the
 * number of p-values not smaller than it, and kept at least as large as the one before (step-down).
 */
export function holm(ps: readonly number[]): number[] {
  const order = ps.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(ps.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (ps.length - rank) * p));
    out[i] = running;
  });
  return out;
}
