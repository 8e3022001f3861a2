import type { MetricType, ReportOpts } from 'web-vitals';

type OnINP = (cb: (m: MetricType) => void, opts?: ReportOpts) => void;

/**
 * web-vitals' `onINP` as pagepace reports it: the latest value once per hide, like web-vitals'
 * default, but without losing an interaction made shortly before the page is hidden.
 *
 * Why: web-vitals 6 processes Event Timing entries in idle time (`whenIdleOrHidden`, an idle
 * callback of up to 1 s, or the next `visibilitychange`). An interaction less than about a second
 * before a hide is processed by that `visibilitychange` listener, which runs after web-vitals' own
 * forced report at hide has already found no INP; the update that follows is not forced, so without
 * `reportAllChanges` it is never reported (measured in Chromium: a 160 ms click 0.5 s before leaving
 * gave no INP; e2e/engines "vital INP"). So every change is asked for, the latest is held while the
 * page is visible and passed on when it is hidden: by our own listener, or at once when the change
 * itself comes while hidden.
 */
export function onINPAtHide(onINP: OnINP, cb: (m: MetricType) => void, opts: ReportOpts): void {
  // The latest of each metric: with soft navigations every route view has an INP of its own (its id).
  const held = new Map<string, MetricType>();
  const pass = () => {
    const all = [...held.values()];
    held.clear();
    all.forEach(cb);
  };
  onINP((m) => {
    held.set(m.id, m);
    if (document.visibilityState === 'hidden') pass();
  }, { ...opts, reportAllChanges: true });
  addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && pass(), true);
}
