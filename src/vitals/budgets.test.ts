import { describe, expect, it } from 'vitest';
import type { PerfEvent } from '../core/types';
import { attributionOf, createBudgets } from './budgets';
import type { Breach } from './budgets';

describe('budgets', () => {
  it('fires once per breach, with metric, value, budget and attribution', () => {
    const got: Breach[] = [];
    const b = createBudgets({ INP: 200, CLS: 0.1 }, (x) => got.push(x));
    const inp: PerfEvent = {
      kind: 'vital', name: 'INP', value: 350, ts: 0, id: 'v1',
      attrs: { navigationType: 'navigate', 'attribution.interactionTarget': 'button#slow', 'attribution.longestScript.invoker': 'BUTTON#slow.onclick', delta: 350 },
    };
    b.check({ ...inp, value: 150 }); // under budget: nothing
    b.check(inp);
    b.check({ ...inp, value: 400 }); // the same breach, reported again
    b.check({ kind: 'vital', name: 'LCP', value: 9000, ts: 0 }); // no budget
    expect(got).toEqual([{
      metric: 'INP', value: 350, budget: 200, event: inp,
      attribution: { navigationType: 'navigate', 'attribution.interactionTarget': 'button#slow', 'attribution.longestScript.invoker': 'BUTTON#slow.onclick' },
    }]);
  });

  it('treats each route as its own breach, and the value must exceed the budget', () => {
    const got: string[] = [];
    const b = createBudgets({ 'cart:items': 3 }, (x) => got.push(`${x.metric}@${x.route}=${x.value}`));
    b.check({ kind: 'custom', name: 'cart:items', value: 3, ts: 0, attrs: { route: '/a' } });
    b.check({ kind: 'custom', name: 'cart:items', value: 4, ts: 0, attrs: { route: '/a' } });
    b.check({ kind: 'custom', name: 'cart:items', value: 5, ts: 0, attrs: { route: '/a' } });
    b.check({ kind: 'custom', name: 'cart:items', value: 6, ts: 0, attrs: { route: '/b' } });
    expect(got).toEqual(['cart:items@/a=4', 'cart:items@/b=6']);
  });

  it('returns the breaches too, and ignores NaN', () => {
    const b = createBudgets({ x: 1 }, () => {});
    expect(b.check({ kind: 'custom', name: 'x', value: NaN, ts: 0 })).toEqual([]);
    expect(b.check({ kind: 'custom', name: 'x', value: 2, ts: 0 })).toMatchObject([{ metric: 'x', attribution: {} }]);
  });

  it('checks the parts of LCP and INP against budgets of their own names', () => {
    const got: string[] = [];
    const b = createBudgets({ 'LCP.elementRenderDelay': 500, 'INP.inputDelay': 100, LCP: 10_000 }, (x) => got.push(`${x.metric}=${x.value}`));
    const lcp = (render: number): PerfEvent => ({
      kind: 'vital', name: 'LCP', value: 300 + render, ts: 0, id: 'v1',
      attrs: { 'attribution.timeToFirstByte': 100, 'attribution.resourceLoadDelay': 100, 'attribution.resourceLoadDuration': 100, 'attribution.elementRenderDelay': render },
    });
    b.check(lcp(400));
    b.check(lcp(900));
    b.check(lcp(1200)); // the same breach
    b.check({ kind: 'vital', name: 'INP', value: 300, ts: 0, attrs: { 'attribution.inputDelay': 150, 'attribution.processingDuration': 100, 'attribution.presentationDelay': 50 } });
    b.check({ kind: 'custom', name: 'LCP', value: 1, ts: 0, attrs: { 'attribution.elementRenderDelay': 9000 } }); // not a vital: no parts
    expect(got).toEqual(['LCP.elementRenderDelay=900', 'INP.inputDelay=150']);
  });

  it('a metric named after Object.prototype has no budget unless one is set (issue 15 #8)', () => {
    const got: string[] = [];
    const b = createBudgets(Object.assign(Object.create(null), { toString: 5 }), (x) => got.push(x.metric));
    for (const name of ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty']) b.check({ kind: 'custom', name, value: 10, ts: 0 });
    expect(got).toEqual(['toString']);
    expect(createBudgets({}, () => got.push('x')).check({ kind: 'custom', name: 'constructor', value: 1e300, ts: 0 })).toEqual([]);
  });

  it('attribution takes a long frame’s scripts and the route', () => {
    expect(attributionOf({ kind: 'loaf', name: 'long-animation-frame', value: 90, ts: 0, attrs: { startTime: 5, 'scripts.0.invoker': 'a', route: '/' } }))
      .toEqual({ 'scripts.0.invoker': 'a', route: '/' });
  });
});
