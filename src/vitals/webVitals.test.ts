import { describe, expect, it } from 'vitest';
import { vitalEvent } from './webVitals';

describe('vitalEvent', () => {
  it('normalises a web-vitals metric into a PerfEvent with flat, protocol-known attrs', () => {
    const e = vitalEvent({
      name: 'INP', value: 240, delta: 240, rating: 'needs-improvement', id: 'v5-123', entries: [], navigationType: 'navigate', navigationId: 1,
      attribution: {
        interactionTarget: 'button#buy', inputDelay: 12.5, loadState: 'complete',
        longestScript: { invoker: 'BUTTON#buy.onclick', intersectingDuration: 180, entry: { big: true } as object },
        longAnimationFrameEntries: [{}], interactionTargetElement: undefined,
      },
    } as never);
    expect(e).toMatchObject({ kind: 'vital', name: 'INP', value: 240, unit: 'ms', rating: 'needs-improvement', id: 'v5-123' });
    expect(e.attrs).toEqual({
      navigationType: 'navigate',
      'attribution.interactionTarget': 'button#buy',
      'attribution.inputDelay': 12.5,
      'attribution.loadState': 'complete',
      'attribution.longestScript.invoker': 'BUTTON#buy.onclick',
      'attribution.longestScript.intersectingDuration': 180,
    });
  });

  it('has no unit for CLS, and keeps delta only when it differs from the value', () => {
    const e = vitalEvent({ name: 'CLS', value: 0.2, delta: 0.05, rating: 'needs-improvement', id: 'v5-1', entries: [], navigationType: 'reload', navigationId: 1 } as never);
    expect(e.unit).toBeUndefined();
    expect(e.attrs).toEqual({ navigationType: 'reload', delta: 0.05 });
  });
});

describe('vitalEvent and INP’s longest script', () => {
  it('names the script of the PerformanceScriptTiming entry in the protocol’s keys', () => {
    const entry = Object.assign(Object.create({ toJSON() {} }), { sourceURL: 'https://a.test/slow.js', invokerType: 'event-listener', invoker: 'BUTTON#slow.onclick', duration: 250 });
    const e = vitalEvent({
      name: 'INP', value: 300, delta: 300, rating: 'needs-improvement', id: 'v5-9', entries: [], navigationType: 'navigate', navigationId: 1,
      attribution: { longestScript: { entry, subpart: 'processing-duration', intersectingDuration: 250 } },
    } as never);
    expect(e.attrs).toEqual({
      navigationType: 'navigate',
      'attribution.longestScript.subpart': 'processing-duration',
      'attribution.longestScript.intersectingDuration': 250,
      'attribution.longestScript.sourceURL': 'https://a.test/slow.js',
      'attribution.longestScript.invokerType': 'event-listener',
      'attribution.longestScript.invoker': 'BUTTON#slow.onclick',
    });
  });
});

describe('metricTime', () => {
  it('is the time of the metric’s first entry, or now without one', async () => {
    const { metricTime } = await import('./webVitals');
    expect(metricTime({ entries: [{ startTime: 1234 } as PerformanceEntry] })).toBe(1234);
    const now = performance.now();
    expect(metricTime({ entries: [] })).toBeGreaterThanOrEqual(now);
  });

  it('puts a soft navigation’s own entry (its TTFB) at its first paint, after the router changed the URL', async () => {
    const { metricTime } = await import('./webVitals');
    // Chromium: the entry starts at the click (1004.9); the URL changed at 1006.7, the paint presented at 1028.
    const soft = { entryType: 'soft-navigation', startTime: 1004.9, duration: 23.1 } as PerformanceEntry;
    expect(metricTime({ entries: [soft] })).toBeCloseTo(1028, 6);
    expect(metricTime({ entries: [{ entryType: 'largest-contentful-paint', startTime: 1028, duration: 0 } as PerformanceEntry] })).toBe(1028);
  });
});
