import { describe, expect, it } from 'vitest';
import { createCounters, createLatencies } from './stats';

describe('stats', () => {
  it('percentiles are nearest-rank over the latest window', () => {
    const l = createLatencies(100);
    expect(l.percentile(50)).toBe(0);
    for (let i = 1; i <= 100; i++) l.add(i);
    expect([l.percentile(50), l.percentile(95), l.percentile(100)]).toEqual([50, 95, 100]);
    for (let i = 0; i < 100; i++) l.add(1000); // the window forgets old samples
    expect(l.percentile(50)).toBe(1000);
  });

  it('counts hits, misses, refusals and revalidations per tier', () => {
    const c = createCounters();
    c.hit('l1', 0.2);
    c.hit('l1', 0.4);
    c.miss('l1');
    c.hit('l2', 3);
    c.miss('network');
    c.refused('no-store');
    c.refused('no-store');
    c.revalidated(true);
    c.revalidated(false);
    const s = c.snapshot();
    expect(s.tiers.l1).toEqual({ hits: 2, misses: 1, p50: 0.2, p95: 0.4 });
    expect(s.tiers.l2).toMatchObject({ hits: 1, misses: 0, p50: 3 });
    expect(s.tiers.network).toMatchObject({ hits: 0, misses: 1 });
    expect(s).toMatchObject({ refused: { 'no-store': 2 }, revalidations: 2, notModified: 1 });
  });
});
