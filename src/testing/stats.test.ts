import { describe, expect, it } from 'vitest';
import { cliffsDelta, effectSize, mannWhitneyU, median, normalCdf, quantile } from './stats';

describe('statistics for comparing runs', () => {
  it('computes medians and quantiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.75)).toBe(4);
    expect(median([])).toBeNaN();
  });

  it('has an accurate normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
  });

  it('gives the exact Mann–Whitney p-value for small samples', () => {
    // Complete separation of 5 and 5: p = 2 / C(10, 5) = 0.007937
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r).toMatchObject({ u: 0, method: 'exact' });
    expect(r.p).toBeCloseTo(0.007937, 5);
    // U = 3 with n1 = 4, n2 = 5: 7 of the C(9, 4) = 126 arrangements have U ≤ 3 → p = 14/126 = 0.1111
    const s = mannWhitneyU([1.1, 2.2, 3.3, 4.4], [2.5, 3.5, 4.5, 5.5, 6.5]);
    expect(s.u).toBe(3);
    expect(s.p).toBeCloseTo(0.1111, 4);
  });

  it('agrees with brute-force enumeration of every arrangement (exact case)', () => {
    const a = [0.3, 1.7, 2.2, 5.1, 6.4];
    const b = [1.1, 2.9, 3.3, 4.8, 7.5, 8.2];
    const all = [...a, ...b];
    const u = (xs: number[], ys: number[]) => xs.reduce((s, x) => s + ys.filter((y) => x > y).length, 0);
    const observed = u(a, b);
    const lo = Math.min(observed, a.length * b.length - observed);
    let extreme = 0;
    let total = 0;
    const pick = (start: number, chosen: number[]) => {
      if (chosen.length === a.length) {
        const xs = chosen.map((i) => all[i]!);
        const ys = all.filter((_, i) => !chosen.includes(i));
        const uu = u(xs, ys);
        total++;
        if (Math.min(uu, a.length * b.length - uu) <= lo) extreme++;
        return;
      }
      for (let i = start; i < all.length; i++) pick(i + 1, [...chosen, i]);
    };
    pick(0, []);
    expect(mannWhitneyU(a, b).p).toBeCloseTo(extreme / total, 10);
  });

  it('uses the tie-corrected, continuity-corrected normal approximation with ties', () => {
    // By hand: U = 3.5; n1 = n2 = 7; Σ(t³−t) = 96 → var = 49/12·(15 − 96/182) = 59.096;
    // z = (|3.5 − 24.5| − 0.5)/√59.096 = 2.6667 → p = 2·(1 − Φ(2.6667)) = 0.00766.
    const r = mannWhitneyU([1, 2, 2, 3, 3, 3, 4], [3, 4, 4, 5, 5, 6, 7]);
    expect(r).toMatchObject({ u: 3.5, method: 'normal' });
    expect(r.p).toBeCloseTo(0.00766, 4);
  });

  it('finds no difference between identical samples', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5, 5]).p).toBe(1);
    expect(mannWhitneyU([1, 2, 3], [1, 2, 3]).p).toBe(1);
  });

  it("computes Cliff's delta and its magnitude", () => {
    expect(cliffsDelta([6, 7, 8], [1, 2, 3])).toBe(1);
    expect(cliffsDelta([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(cliffsDelta([1, 2, 3, 4], [2, 3, 4, 5])).toBeCloseTo(-7 / 16, 10); // 3 pairs greater, 10 smaller, of 16
    expect([0.1, 0.2, 0.4, 0.9].map(effectSize)).toEqual(['negligible', 'small', 'medium', 'large']);
  });
});
