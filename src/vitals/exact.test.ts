import { describe, expect, it } from 'vitest';
import { createSketch, EXACT_CAP, EXACT_LIMIT, exactOps } from './exact';
import { percentile, summaryStore } from './summary';
import { quantile, SKETCH_OPS } from './sketch';

describe('a page summary before the bucketed sketch has come', () => {
  it('keeps every value: percentiles are exact, and a vital reported again replaces its value', () => {
    const s = summaryStore(exactOps(() => {}));
    for (const v of [30, 10, 20]) s.add({ kind: 'custom', name: 't', value: v, ts: 0 });
    s.add({ kind: 'vital', name: 'CLS', value: 0.3, ts: 0, id: 'v1' });
    s.add({ kind: 'vital', name: 'CLS', value: 0.05, ts: 0, id: 'v1' });
    expect(s.summary().t).toMatchObject({ count: 3, p50: 20, p99: 30 });
    expect(s.summary().CLS).toMatchObject({ count: 1, p75: 0.05, rating: 'good' });
  });

  it('asks for the bucketed sketch once a metric passes 32 values, and stays exact meanwhile', () => {
    let asked = 0;
    const s = summaryStore(exactOps(() => asked++));
    const values = Array.from({ length: 100 }, (_, i) => (i * 37) % 101);
    for (const v of values.slice(0, EXACT_LIMIT)) s.add({ kind: 'custom', name: 't', value: v, ts: 0 });
    expect(asked).toBe(0);
    for (const v of values.slice(EXACT_LIMIT)) s.add({ kind: 'custom', name: 't', value: v, ts: 0 });
    expect(asked).toBeGreaterThan(0);
    const sorted = [...values].sort((a, b) => a - b);
    expect(s.summary().t).toMatchObject({ count: 100, p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99) });
  });

  it('hands its sketches to the bucketed sketch, which folds them at their next value', () => {
    const ops = exactOps(() => {});
    const s = summaryStore(ops);
    const values = Array.from({ length: 1000 }, (_, i) => 1 + i);
    for (const v of values.slice(0, 500)) s.add({ kind: 'custom', name: 't', value: v, ts: 0 });
    Object.assign(ops, SKETCH_OPS); // what index.ts does when the chunk has come
    for (const v of values.slice(500)) s.add({ kind: 'custom', name: 't', value: v, ts: 0 });
    const sk = s.sketch('t')!;
    expect(sk.exact).toBeUndefined(); // bounded from here on
    expect(sk.count).toBe(1000);
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = percentile(values, q);
      expect(Math.abs(quantile(sk, q) - exact) / exact).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });

  it('keeps at most EXACT_CAP values of a metric while the chunk cannot come (offline)', () => {
    const ops = exactOps(() => {});
    const sk = createSketch();
    for (let i = 0; i < EXACT_CAP + 10; i++) ops.add(sk, i);
    expect(sk.exact!.length).toBe(EXACT_CAP);
    expect(sk.count).toBe(EXACT_CAP);
    ops.remove(sk, 5);
    expect(sk.count).toBe(EXACT_CAP - 1);
    ops.remove(sk, -1); // never added: nothing changes
    expect(sk.count).toBe(EXACT_CAP - 1);
    expect(ops.quantile(createSketch(), 0.5)).toBeNaN();
  });
});
