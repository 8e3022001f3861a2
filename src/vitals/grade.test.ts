import { describe, expect, it } from 'vitest';
import { grade, overallGrade, rate, THRESHOLDS } from './grade';

describe('grade', () => {
  it("rates with Google's thresholds, boundaries inclusive of the better band", () => {
    expect(rate(2500, THRESHOLDS.LCP!)).toBe('good');
    expect(rate(2501, THRESHOLDS.LCP!)).toBe('needs-improvement');
    expect(rate(4000, THRESHOLDS.LCP!)).toBe('needs-improvement');
    expect(rate(4001, THRESHOLDS.LCP!)).toBe('poor');
    expect(rate(0.1, THRESHOLDS.CLS!)).toBe('good');
    expect(rate(200, THRESHOLDS.INP!)).toBe('good');
    expect(rate(501, THRESHOLDS.INP!)).toBe('poor');
    expect(Object.keys(THRESHOLDS).sort()).toEqual(['CLS', 'FCP', 'INP', 'LCP', 'TTFB']);
  });

  it('grades p75 from A to F at half-band boundaries', () => {
    const lcp = THRESHOLDS.LCP!;
    expect([1000, 1250, 1251, 2500, 2501, 3250, 3251, 4000, 4001].map((v) => grade(v, lcp))).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'F']);
    const cls = THRESHOLDS.CLS!;
    expect([0, 0.05, 0.1, 0.175, 0.2, 0.3].map((v) => grade(v, cls))).toEqual(['A', 'A', 'B', 'C', 'D', 'F']);
  });

  it('grades overall as the mean of points rounded down, so one poor metric costs', () => {
    expect(overallGrade(['A', 'A', 'F'])).toBe('C'); // (4 + 4 + 0) / 3 = 2.67 → C
    expect(overallGrade(['A', 'B'])).toBe('B'); // 3.5 → B
    expect(overallGrade(['A', 'A', 'A', 'A', 'D'])).toBe('B'); // 3.4 → B
    expect(overallGrade(['F'])).toBe('F');
    expect(overallGrade(['A'])).toBe('A');
    expect(overallGrade([])).toBeUndefined();
  });
});
