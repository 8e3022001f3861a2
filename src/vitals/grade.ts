import type { Rating } from '../core/types';

/** Letter grades, best first. */
export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

/**
 * Google's good / poor boundaries at p75 (web.dev: "Defining the Core Web Vitals metrics
 * thresholds"): a value at or under the first is good, over the second poor, between them
 * needs improvement.
 */
export const THRESHOLDS: Readonly<Record<string, readonly [number, number]>> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
};

/** Rates a value against [good, poor] boundaries. */
export function rate(value: number, [good, poor]: readonly [number, number]): Rating {
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor';
}

/**
 * Grades a metric's p75. The scoring:
 * - **A** at or under half the "good" boundary (clearly good, with headroom);
 * - **B** up to the "good" boundary;
 * - **C** in the first half of "needs improvement", **D** in its second half;
 * - **F** when poor.
 */
export function grade(value: number, [good, poor]: readonly [number, number]): Grade {
  if (value <= good) return value <= good / 2 ? 'A' : 'B';
  if (value <= poor) return value <= (good + poor) / 2 ? 'C' : 'D';
  return 'F';
}

// A grade's points are its index here: F 0 … A 4.
const GRADES: Grade[] = ['F', 'D', 'C', 'B', 'A'];

/**
 * Overall grade: the mean of the metrics' grade points (A = 4 … F = 0), rounded down, so one
 * poor metric costs a whole letter rather than hiding in an average.
 */
export function overallGrade(grades: readonly Grade[]): Grade | undefined {
  if (!grades.length) return undefined;
  return GRADES[Math.floor(grades.reduce((s, g) => s + GRADES.indexOf(g), 0) / grades.length)];
}
