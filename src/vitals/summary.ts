import type { PerfEvent, Rating } from '../core/types';

/** Letter grades, best first. */
export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

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

/** What `summary()` returns: one entry per metric name, plus the overall grade. */
export interface Summary {
  [metric: string]: MetricSummary | { grade?: Grade };
  overall: { grade?: Grade };
}

/** Google's good / poor boundaries (web.dev), p75. */
export const THRESHOLDS: Readonly<Record<string, readonly [number, number]>> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
};

/** Values kept per metric: the most recent, so memory stays bounded on long-lived pages. */
export const SUMMARY_WINDOW = 500;

/** The value at quantile q of sorted values (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Rates a value against [good, poor] boundaries. */
export function rate(value: number, [good, poor]: readonly [number, number]): Rating {
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor';
}

/**
 * Grades p75: A at or under half the "good" boundary, B up to it; C in the first half of
 * "needs improvement", D in the second; F when poor.
 */
export function grade(value: number, [good, poor]: readonly [number, number]): Grade {
  if (value <= good) return value <= good / 2 ? 'A' : 'B';
  if (value <= poor) return value <= (good + poor) / 2 ? 'C' : 'D';
  return 'F';
}

const POINTS: Record<Grade, number> = { A: 4, B: 3, C: 2, D: 1, F: 0 };
const GRADES: Grade[] = ['F', 'D', 'C', 'B', 'A'];

/** Overall grade: the mean of the metrics' grade points, rounded down (a poor metric costs). */
export function overallGrade(grades: Grade[]): Grade | undefined {
  if (!grades.length) return undefined;
  return GRADES[Math.floor(grades.reduce((s, g) => s + POINTS[g], 0) / grades.length)];
}

/** Collects event values per metric name and summarises them on demand. */
export function createSummary() {
  const values = new Map<string, number[]>();
  const latest = new Map<string, Map<string, number>>();
  return {
    add(e: PerfEvent) {
      // A vital is reported again as it changes: keep only its latest value per id.
      if (e.kind === 'vital' && e.id) {
        const ids = latest.get(e.name) ?? new Map<string, number>();
        latest.set(e.name, ids);
        ids.delete(e.id);
        ids.set(e.id, e.value);
        if (ids.size > SUMMARY_WINDOW) ids.delete(ids.keys().next().value!);
        return;
      }
      const list = values.get(e.name) ?? [];
      values.set(e.name, list);
      list.push(e.value);
      if (list.length > SUMMARY_WINDOW) list.shift();
    },
    summary(): Summary {
      const out: Summary = { overall: {} };
      const grades: Grade[] = [];
      const names = new Set([...values.keys(), ...latest.keys()]);
      for (const name of names) {
        const sorted = [...(values.get(name) ?? []), ...(latest.get(name)?.values() ?? [])].sort((a, b) => a - b);
        const s: MetricSummary = {
          count: sorted.length,
          p50: percentile(sorted, 0.5),
          p75: percentile(sorted, 0.75),
          p90: percentile(sorted, 0.9),
          p95: percentile(sorted, 0.95),
          p99: percentile(sorted, 0.99),
        };
        const t = THRESHOLDS[name];
        if (t) {
          s.rating = rate(s.p75, t);
          s.grade = grade(s.p75, t);
          grades.push(s.grade);
        }
        out[name] = s;
      }
      out.overall = { grade: overallGrade(grades) };
      return out;
    },
  };
}
