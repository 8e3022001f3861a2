import { describe, expect, it } from 'vitest';
import { createSummary, grade, overallGrade, percentile, rate, THRESHOLDS } from './summary';

describe('summary', () => {
  it('computes nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([0.5, 0.75, 0.9, 0.95, 0.99].map((q) => percentile(v, q))).toEqual([50, 75, 90, 95, 99]);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it("rates with Google's thresholds", () => {
    expect(rate(2500, THRESHOLDS.LCP!)).toBe('good');
    expect(rate(2501, THRESHOLDS.LCP!)).toBe('needs-improvement');
    expect(rate(4001, THRESHOLDS.LCP!)).toBe('poor');
    expect(rate(0.1, THRESHOLDS.CLS!)).toBe('good');
  });

  it('grades p75 from A to F', () => {
    const lcp = THRESHOLDS.LCP!;
    expect([1000, 2000, 3000, 3600, 5000].map((v) => grade(v, lcp))).toEqual(['A', 'B', 'C', 'D', 'F']);
    expect(overallGrade(['A', 'A', 'F'])).toBe('C'); // (4 + 4 + 0) / 3, rounded down: a poor metric costs
    expect(overallGrade(['A', 'B'])).toBe('B');
    expect(overallGrade([])).toBeUndefined();
  });

  it('keeps the latest value of each vital by id, and every custom value', () => {
    const s = createSummary();
    s.add({ kind: 'vital', name: 'CLS', value: 0.05, ts: 0, id: 'v1' });
    s.add({ kind: 'vital', name: 'CLS', value: 0.3, ts: 0, id: 'v1' });
    s.add({ kind: 'custom', name: 'cart', value: 1, ts: 0 });
    s.add({ kind: 'custom', name: 'cart', value: 3, ts: 0 });
    const out = s.summary();
    expect(out.CLS).toMatchObject({ count: 1, p75: 0.3, rating: 'poor', grade: 'F' });
    expect(out.cart).toMatchObject({ count: 2, p50: 1, p99: 3 });
    expect(out.cart).not.toHaveProperty('grade');
    expect(out.overall).toEqual({ grade: 'F' });
  });
});
