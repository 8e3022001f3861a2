import { describe, expect, it } from 'vitest';
import {
  addValue, createSketch, EXACT_LIMIT, mergeSketch, quantile, removeValue, sketchFromJSON, sketchToJSON,
} from './sketch';
import { percentile } from './summary';

/** mulberry32: a seeded generator, so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const normal = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

const QS = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];
export const DISTRIBUTIONS: Record<string, (r: () => number) => number> = {
  'uniform 0–1000 ms': (r) => r() * 1000,
  'exponential, mean 200 ms (INP-like)': (r) => -200 * Math.log(1 - r()),
  'log-normal, median 2.2 s (LCP-like)': (r) => 2200 * Math.exp(0.6 * normal(r)),
  'Pareto α=1.2 (heavy tail)': (r) => 10 / Math.pow(1 - r(), 1 / 1.2),
  'CLS-like: 40 % zeros, rest exp(0.1)': (r) => (r() < 0.4 ? 0 : -0.1 * Math.log(1 - r())),
  'normal around 0 (negatives)': (r) => 100 * normal(r),
  'integers 1–20 (many ties)': (r) => 1 + Math.floor(r() * 20),
  'bytes, log-uniform 1 B–100 MB': (r) => Math.pow(10, r() * 8),
};

/** Max relative error of the sketch's quantiles against exact nearest-rank ones. */
function maxRelError(values: number[]) {
  const s = createSketch();
  for (const v of values) addValue(s, v);
  const sorted = [...values].sort((a, b) => a - b);
  let worst = 0;
  for (const q of QS) {
    const exact = percentile(sorted, q);
    const got = quantile(s, q);
    const err = exact === 0 ? Math.abs(got) : Math.abs(got - exact) / Math.abs(exact);
    worst = Math.max(worst, err);
  }
  return { worst, s };
}

describe('sketch', () => {
  it('is exact while small, with the same nearest-rank definition as percentile()', () => {
    const s = createSketch();
    const v = [5, 1, 4, 2, 3];
    v.forEach((x) => addValue(s, x));
    const sorted = [...v].sort((a, b) => a - b);
    for (const q of [0, 0.2, 0.5, 0.75, 0.99, 1]) expect(quantile(s, q)).toBe(percentile(sorted, q));
    expect(s.exact).toHaveLength(5);
    expect(quantile(createSketch(), 0.5)).toBeNaN();
  });

  for (const [name, gen] of Object.entries(DISTRIBUTIONS)) {
    it(`stays within 0.5 % (goal: 1 %) of exact percentiles on 100,000 samples: ${name}`, () => {
      const r = rng(42);
      const values = Array.from({ length: 100_000 }, () => gen(r));
      const { worst, s } = maxRelError(values);
      expect(worst).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(s.pos.size + s.neg.size).toBeLessThanOrEqual(2 * 2048);
      expect(s.count).toBe(100_000);
    });
  }

  it('keeps memory bounded over a huge dynamic range, collapsing only the smallest values', () => {
    // 18 decades need ~4,150 buckets at α = 0.5 %: the lowest half collapse, the top half stay exact to α.
    const s = createSketch();
    const r = rng(7);
    const values = Array.from({ length: 50_000 }, () => Math.pow(10, -6 + r() * 18));
    values.forEach((v) => addValue(s, v));
    expect(s.pos.size).toBeLessThanOrEqual(2048);
    const sorted = values.sort((a, b) => a - b);
    for (const q of [0.75, 0.9, 0.99]) {
      expect(Math.abs(quantile(s, q) - percentile(sorted, q)) / percentile(sorted, q)).toBeLessThanOrEqual(0.005 + 1e-9);
    }
    expect(Math.abs(quantile(s, 1) - sorted.at(-1)!) / sorted.at(-1)!).toBeLessThanOrEqual(0.005 + 1e-9);
    expect(quantile(s, 0)).toBeGreaterThanOrEqual(sorted[0]!); // collapsed: only bounded by the minimum
  });

  it('merges: the merge of two sketches answers like one sketch of all values', () => {
    const r = rng(1);
    const values = Array.from({ length: 10_000 }, () => -200 * Math.log(1 - r()));
    const a = createSketch();
    const b = createSketch();
    const all = createSketch();
    values.forEach((v, i) => (addValue(i % 3 ? a : b, v), addValue(all, v)));
    mergeSketch(a, b);
    expect(a.count).toBe(all.count);
    for (const q of QS) expect(quantile(a, q)).toBeCloseTo(quantile(all, q), 9);
    expect(a.sum).toBeCloseTo(all.sum, 6);
    expect(() => mergeSketch(createSketch(0.01), b)).toThrow(RangeError);
  });

  it('merges small exact sketches exactly, and folds when they outgrow the exact limit', () => {
    const a = createSketch();
    const b = createSketch();
    [1, 2, 3].forEach((v) => addValue(a, v));
    [4, 5].forEach((v) => addValue(b, v));
    mergeSketch(a, b);
    expect(a.exact).toEqual([1, 2, 3, 4, 5]);
    const big = createSketch();
    for (let i = 1; i <= EXACT_LIMIT; i++) addValue(big, i);
    mergeSketch(a, big);
    expect(a.exact).toBeUndefined();
    expect(a.count).toBe(EXACT_LIMIT + 5);
    const exact = percentile([1, 2, 3, 4, 5, ...Array.from({ length: EXACT_LIMIT }, (_, i) => i + 1)].sort((x, y) => x - y), 0.5);
    expect(Math.abs(quantile(a, 0.5) - exact) / exact).toBeLessThanOrEqual(0.005);
  });

  it('round-trips through JSON, in both modes, and rejects malformed JSON', () => {
    const r = rng(3);
    const s = createSketch();
    for (let i = 0; i < 5000; i++) addValue(s, 100 * normal(r));
    addValue(s, 0);
    const back = sketchFromJSON(JSON.parse(JSON.stringify(sketchToJSON(s))));
    for (const q of QS) expect(quantile(back, q)).toBe(quantile(s, q));
    expect([back.count, back.zero, back.min, back.max]).toEqual([s.count, s.zero, s.min, s.max]);
    const small = createSketch();
    addValue(small, 2.5);
    expect(quantile(sketchFromJSON(sketchToJSON(small)), 0.5)).toBe(2.5);
    expect(sketchFromJSON(sketchToJSON(createSketch())).count).toBe(0);
    const good = sketchToJSON(s);
    for (const broken of [null, 'x', { ...good, n: good.n + 1 }, { ...good, a: 2 }, { ...good, m: 2 }, { ...good, p: [1, 2, 3] }, { ...good, p: [0, -1] }, { ...good, z: -1 }, { ...good, x: ['a'] }]) {
      expect(() => sketchFromJSON(broken)).toThrow(TypeError);
    }
    // Compact: 5,000 values in a few hundred numbers.
    expect(JSON.stringify(good).length).toBeLessThan(6000);
  });

  it('removes a value added before, in both modes', () => {
    const s = createSketch();
    [1, 2, 3].forEach((v) => addValue(s, v));
    removeValue(s, 3);
    expect([s.count, quantile(s, 1)]).toEqual([2, 2]);
    removeValue(s, 42); // not there: nothing happens
    expect(s.count).toBe(2);
    const big = createSketch();
    for (let i = 0; i < 100; i++) addValue(big, 10);
    addValue(big, 1000);
    removeValue(big, 1000);
    expect(quantile(big, 1)).toBeCloseTo(10, 1);
  });

  it('ignores non-finite values', () => {
    const s = createSketch();
    addValue(s, NaN);
    addValue(s, Infinity);
    addValue(s, 1, 0);
    expect(s.count).toBe(0);
  });
});
