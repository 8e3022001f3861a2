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
