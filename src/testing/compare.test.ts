import { describe, expect, it } from 'vitest';
import { checkBudgets, expectBudgets } from './budgets';
import { compare, holm } from './compare';
import type { Results } from './types';

const results = (lcp: number[], extra: Record<string, number[]> = {}): Results => ({
  url: 'http://127.0.0.1/x', profile: 'none', at: '2026-11-22T00:00:00Z',
  runs: lcp.map((v, run) => ({ run, metrics: { LCP: v, ...Object.fromEntries(Object.entries(extra).map(([k, vs]) => [k, vs[run]!])) } })),
});

describe('compare', () => {
  it('calls a clear, significant slowdown a regression', () => {
    const c = compare(results([100, 102, 98, 101, 99, 103, 100, 97]), results([130, 128, 135, 131, 129, 133, 127, 132]));
    expect(c.verdict).toBe('regression');
    expect(c.metrics[0]).toMatchObject({ metric: 'LCP', verdict: 'regression', effect: 'large', delta: 1 });
    expect(c.metrics[0]!.p).toBeLessThan(0.001);
  });

  it('calls a clear speed-up an improvement', () => {
    expect(compare(results([130, 128, 135, 131, 129, 133]), results([100, 102, 98, 101, 99, 103])).verdict).toBe('improvement');
  });

  it('calls a significant shift smaller than minChange no change: machine drift, not the page', () => {
    // The failure CI once saw: the same page measured twice, TBT 85 → 91 ms, p = 0.02.
    const a = results([85, 80, 88, 84, 86]);
    const b = results([91, 90, 93, 89, 92]);
    const c = compare(a, b);
    expect(c.metrics[0]!.p).toBeLessThan(0.05);
    expect(c.metrics[0]).toMatchObject({ verdict: 'no change', change: expect.closeTo(0.0706, 3) });
    expect(compare(a, b, { minChange: 0.05 }).verdict).toBe('regression');
  });

  it('measures change from a zero median as a whole change', () => {
    const c = compare(results([0, 0, 0, 0, 0, 0]), results([0.2, 0.3, 0.2, 0.25, 0.3, 0.2]));
    expect(c.metrics[0]).toMatchObject({ change: 1, verdict: 'regression' });
  });

  it('adjusts for the metrics compared: an A/A run where one of four metrics looks significant alone is no change', () => {
    // The failure CI saw: the same page measured twice, five runs a side; TBT 90 → 105 ms, p = 0.02 alone.
    const a = results([372, 350, 390, 365, 380], { INP: [200, 190, 210, 195, 205], CLS: [0.03, 0.03, 0.03, 0.03, 0.03], TBT: [90, 80, 85, 95, 100] });
    const b = results([412, 360, 395, 370, 420], { INP: [192, 200, 188, 215, 196], CLS: [0.03, 0.03, 0.03, 0.03, 0.03], TBT: [105, 98, 110, 102, 115] });
    const c = compare(a, b);
    const tbt = c.metrics.find((m) => m.metric === 'TBT')!;
    expect(tbt.p).toBeLessThan(0.05);
    expect(tbt.pAdjusted).toBeGreaterThanOrEqual(0.05);
    expect(c.verdict).toBe('no change');
    expect(compare(a, b, { correction: 'none' }).verdict).toBe('regression');
    // A shift clear enough survives the adjustment.
    const slow = results([412, 360, 395, 370, 420], { INP: [192, 200, 188, 215, 196], CLS: [0.03, 0.03, 0.03, 0.03, 0.03], TBT: [300, 310, 320, 305, 315] });
    expect(compare(a, slow).metrics.find((m) => m.metric === 'TBT')).toMatchObject({ verdict: 'regression' });
  });

  it('holm() matches the textbook step-down adjustment', () => {
    // As R's p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm").
    expect(holm([0.01, 0.04, 0.03, 0.005]).map((p) => +p.toFixed(6))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holm([0.2])).toEqual([0.2]);
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
  });

  it('calls noise no change, where a single-run threshold would flap', () => {
    const c = compare(results([100, 120, 95, 130, 105, 110, 98, 125]), results([104, 118, 99, 127, 101, 114, 96, 122]));
    expect(c.verdict).toBe('no change');
    expect(c.metrics[0]!.p).toBeGreaterThan(0.05);
  });
});

describe('budgets', () => {
  it('pass when within budget', () => {
    expect(() => expectBudgets(results([1000, 1200, 1100]), { LCP: 2500 })).not.toThrow();
  });

  it('name the metric, the percentile and the excess when over', () => {
    const r = results([2000, 2600, 2800, 3000], { CLS: [0.05, 0.3, 0.2, 0.1] });
    expect(checkBudgets(r, { LCP: { p75: 2500 }, CLS: 0.1 })).toHaveLength(2);
    expect(() => expectBudgets(r, { LCP: { p75: 2500, p50: 3000 }, CLS: 0.1 })).toThrow(
      'Performance budgets exceeded for http://127.0.0.1/x:\n' +
      '  LCP p75 = 2850 ms is over its budget of 2500 ms by 350 ms (14.0%) over 4 runs\n' +
      '  CLS p75 = 0.225 is over its budget of 0.100 by 0.125 (125.0%) over 4 runs',
    );
  });

  it('report a metric that was never measured', () => {
    expect(() => expectBudgets(results([1]), { INP: 200 })).toThrow('INP was not measured in any of 1 runs');
  });
});
