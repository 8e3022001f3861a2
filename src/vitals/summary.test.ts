import { describe, expect, it } from 'vitest';
import type { PerfEvent } from '../core/types';
import { createFieldSummary, mergeSummary, summaryToJSON } from './field';
import { createSummary } from './createSummary';
import { percentile } from './summary';
import type { MetricSummary } from './summary';

const ev = (name: string, value: number, extra: Partial<PerfEvent> = {}): PerfEvent => ({ kind: 'custom', name, value, ts: 0, ...extra });

describe('summary', () => {
  it('computes nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([0.5, 0.75, 0.9, 0.95, 0.99].map((q) => percentile(v, q))).toEqual([50, 75, 90, 95, 99]);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('keeps the latest value of each vital by id, and every custom value', () => {
    const s = createSummary();
    s.add({ kind: 'vital', name: 'CLS', value: 0.05, ts: 0, id: 'v1' });
    s.add({ kind: 'vital', name: 'CLS', value: 0.3, ts: 0, id: 'v1' });
    s.add(ev('cart', 1));
    s.add(ev('cart', 3));
    const out = s.summary();
    expect(out.CLS).toMatchObject({ count: 1, p75: 0.3, rating: 'poor', grade: 'F' });
    expect(out.cart).toMatchObject({ count: 2, p50: 1, p99: 3 });
    expect(out.cart).not.toHaveProperty('grade');
    expect(out.overall).toEqual({ grade: 'F' });
  });

  it('has an entry per LCP and INP part, replaced with its vital on a later report', () => {
    const s = createSummary();
    const lcp = (id: string, ttfb: number, render: number): PerfEvent => ({
      kind: 'vital', name: 'LCP', value: ttfb + 300 + render, ts: 0, id, attrs: {
        route: '/a', 'attribution.timeToFirstByte': ttfb, 'attribution.resourceLoadDelay': 100,
        'attribution.resourceLoadDuration': 200, 'attribution.elementRenderDelay': render, 'attribution.url': 'https://x.test/hero.jpg',
      },
    });
    s.add(lcp('v1', 50, 10));
    s.add(lcp('v1', 80, 20)); // the same LCP, reported again (reportAllChanges): replaces the first
    s.add(lcp('v2', 120, 40));
    s.add({ kind: 'vital', name: 'INP', value: 300, ts: 0, id: 'i1', attrs: { 'attribution.inputDelay': 20, 'attribution.processingDuration': 250, 'attribution.presentationDelay': 30 } });
    const out = s.summary();
    const keys = ['count', 'p50', 'p75', 'p90', 'p95', 'p99'];
    for (const k of ['LCP.timeToFirstByte', 'LCP.resourceLoadDelay', 'LCP.resourceLoadDuration', 'LCP.elementRenderDelay']) {
      expect(Object.keys(out[k]!), k).toEqual(keys);
      expect((out[k] as MetricSummary).count).toBe(2);
    }
    expect(out['LCP.timeToFirstByte']).toMatchObject({ p50: 80, p99: 120 });
    expect(out['LCP.elementRenderDelay']).toMatchObject({ p50: 20, p99: 40 });
    expect(out['INP.inputDelay']).toMatchObject({ count: 1, p50: 20 });
    expect(out['INP.processingDuration']).toMatchObject({ count: 1, p50: 250 });
    expect(out['INP.presentationDelay']).toMatchObject({ count: 1, p50: 30 });
    expect(out).not.toHaveProperty(['LCP.url']);
    expect(s.summary('/a')['LCP.resourceLoadDuration']).toMatchObject({ count: 2, p50: 200 });
    // Parts have no thresholds of their own: the overall grade is the vitals' alone (LCP A, INP C).
    expect(out['LCP.timeToFirstByte']).not.toHaveProperty('grade');
    expect(out.overall).toEqual({ grade: 'B' });
  });

  it('names of Object.prototype\'s are metrics like any other and never break summary() (issue 15 #8)', () => {
    const s = createSummary();
    const names = ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'overall'];
    for (const name of names) {
      s.add(ev(name, 1));
      s.add({ kind: 'vital', name, value: 2, ts: 0, id: 'x', attrs: { route: name } });
    }
    const out = s.summary();
    for (const name of names.slice(0, -1)) {
      expect(Object.hasOwn(out, name), name).toBe(true);
      expect(out[name]).toMatchObject({ count: 2, p50: 1, p99: 2 });
      expect(out[name]).not.toHaveProperty('rating');
      expect(s.summary(name)[name]).toMatchObject({ count: 1 });
    }
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.overall).toEqual({ grade: undefined });
    expect(JSON.stringify(out)).toContain('"__proto__":{"count":2,');
  });

  it('is exact for small samples, so ratings at a boundary match Google', () => {
    const s = createSummary();
    s.add({ kind: 'vital', name: 'LCP', value: 2500, ts: 0, id: 'a' });
    expect(s.summary().LCP).toMatchObject({ p75: 2500, rating: 'good', grade: 'B' });
  });

  it('stays within 1 % of exact percentiles on 100,000 values, in bounded memory', () => {
    const s = createSummary();
    const values: number[] = [];
    let x = 12345;
    for (let i = 0; i < 100_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const v = 50 + (x / 2 ** 31) * 950;
      values.push(v);
      s.add(ev('INP', v, { kind: 'vital' }));
    }
    values.sort((a, b) => a - b);
    const m = s.summary().INP as MetricSummary;
    for (const [k, q] of [['p50', 0.5], ['p75', 0.75], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99]] as const) {
      expect(Math.abs(m[k] - percentile(values, q)) / percentile(values, q)).toBeLessThanOrEqual(0.01);
    }
    expect(s.sketch('INP')!.pos.size).toBeLessThan(2048);
  });

  it('summarises per route (attrs.route), and a replaced vital leaves its old route', () => {
    const s = createSummary();
    s.add({ kind: 'vital', name: 'INP', value: 80, ts: 0, id: 'i1', attrs: { route: '/' } });
    s.add({ kind: 'vital', name: 'INP', value: 600, ts: 0, id: 'i1', attrs: { route: '/cart' } });
    s.add(ev('t', 5, { attrs: { route: '/' } }));
    expect(s.routes()).toEqual(['/', '/cart']);
    expect(s.summary('/')).toMatchObject({ t: { count: 1 }, overall: {} });
    expect(s.summary('/').INP).toBeUndefined();
    expect(s.summary('/cart')).toMatchObject({ INP: { count: 1, p75: 600, grade: 'F' }, overall: { grade: 'F' } });
    expect(s.summary('/nowhere')).toEqual({ overall: { grade: undefined } });
  });

  it('leaves out resource events (named by URL) and route marks, and bounds names and ids', () => {
    const s = createSummary({ maxMetrics: 2, maxIds: 2 });
    s.add({ kind: 'resource', name: 'https://x.test/a.js', value: 5, ts: 0 });
    s.add({ kind: 'route', name: 'route', value: 5, ts: 0 });
    s.add(ev('a', 1));
    s.add(ev('b', 1));
    s.add(ev('c', 1));
    expect(Object.keys(s.summary()).sort()).toEqual(['a', 'b', 'overall']);
    const v = createSummary({ maxIds: 2 });
    for (const id of ['1', '2', '3']) v.add({ kind: 'vital', name: 'LCP', value: 1000, ts: 0, id });
    v.add({ kind: 'vital', name: 'LCP', value: 3000, ts: 0, id: '1' }); // id 1 was forgotten: counted anew
    expect((v.summary().LCP as MetricSummary).count).toBe(4);
  });

  it('merges across sessions through JSON: the field view', () => {
    const a = createSummary();
    const b = createSummary();
    for (let i = 1; i <= 100; i++) (i % 2 ? a : b).add({ kind: 'vital', name: 'LCP', value: i * 40, ts: 0, id: `p${i}`, attrs: { route: i <= 50 ? '/' : '/x' } });
    const field = createSummary({ maxIds: 0 });
    mergeSummary(field, JSON.parse(JSON.stringify(summaryToJSON(a))));
    mergeSummary(field, b);
    const lcp = field.summary().LCP as MetricSummary;
    expect(lcp.count).toBe(100);
    expect(Math.abs(lcp.p75 - 3000) / 3000).toBeLessThanOrEqual(0.005);
    expect(field.routes()).toEqual(['/', '/x']);
    expect((field.summary('/x').LCP as MetricSummary).count).toBe(50);
  });

  it('the field view replaces a vital reported again, across batches, and rejects malformed JSON', () => {
    const f = createFieldSummary();
    f.add({ events: [{ kind: 'vital', name: 'CLS', value: 0.05, ts: 0, id: 'v5-1' }, { kind: 'custom', name: 'n', value: 1, ts: 0 }] });
    f.add({ events: [{ kind: 'vital', name: 'CLS', value: 0.3, ts: 0, id: 'v5-1' }, { kind: 'vital', name: 'CLS', value: 0.01, ts: 0, id: 'v5-2' }] });
    expect(f.store.summary().CLS).toMatchObject({ count: 2, p99: 0.3 });
    expect(() => mergeSummary(f.store, {} as never)).toThrow(TypeError);
    expect(() => mergeSummary(f.store, { metrics: { x: { a: 1 } } } as never)).toThrow(TypeError);
  });
});
