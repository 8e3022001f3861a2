import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MetricType, ReportOpts } from 'web-vitals';
import { onINPAtHide } from './inpAtHide';

// A page whose visibility the test sets, and web-vitals' onINP replaced by a hand that reports.
function page() {
  const doc = { visibilityState: 'visible' as 'visible' | 'hidden' };
  const listeners: Array<() => void> = [];
  vi.stubGlobal('document', doc);
  vi.stubGlobal('addEventListener', (type: string, fn: () => void) => type === 'visibilitychange' && listeners.push(fn));
  let report: (m: MetricType) => void = () => {};
  let asked: ReportOpts | undefined;
  const onINP = (cb: (m: MetricType) => void, opts?: ReportOpts) => ((report = cb), (asked = opts));
  const hide = () => ((doc.visibilityState = 'hidden'), listeners.forEach((f) => f()));
  return { doc, onINP, hide, report: (m: Partial<MetricType>) => report(m as MetricType), asked: () => asked };
}

afterEach(() => vi.unstubAllGlobals());

describe('onINPAtHide', () => {
  it('asks web-vitals for every change, passes on only the latest, at the hide', () => {
    const p = page();
    const got: unknown[] = [];
    onINPAtHide(p.onINP, (m) => got.push(m.value), { reportAllChanges: false });
    expect(p.asked()).toMatchObject({ reportAllChanges: true });
    p.report({ id: 'a', value: 40 });
    p.report({ id: 'a', value: 160 });
    expect(got).toEqual([]);
    p.hide();
    expect(got).toEqual([160]);
  });

  it('an interaction processed after the hide (web-vitals\' own hidden-time listener) is passed on at once', () => {
    const p = page();
    const got: unknown[] = [];
    onINPAtHide(p.onINP, (m) => got.push(m.value), {});
    p.hide(); // nothing held yet: nothing to pass
    p.report({ id: 'a', value: 160 });
    expect(got).toEqual([160]);
  });

  it('keeps every route view\'s INP (soft navigations give each its own id)', () => {
    const p = page();
    const got: unknown[] = [];
    onINPAtHide(p.onINP, (m) => got.push([m.id, m.value]), {});
    p.report({ id: 'home', value: 24 });
    p.report({ id: 'cart', value: 280 });
    p.hide();
    expect(got).toEqual([['home', 24], ['cart', 280]]);
  });
});
