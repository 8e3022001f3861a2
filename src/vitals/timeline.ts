import type { PerfEvent } from '../core/types';
import { rate, THRESHOLDS } from './grade';

type Shift = PerformanceEntry & { value?: number; hadRecentInput?: boolean };

/**
 * CLS as web-vitals defines it: the largest session window of layout shifts (each under 1 s
 * after the one before, the window 5 s at most), leaving out shifts just after an input.
 */
export function largestWindow(shifts: readonly Shift[]): number {
  let cls = 0;
  let win = 0;
  let first = -1e9;
  let last = -1e9;
  for (const e of shifts) {
    if (e.hadRecentInput) continue;
    win = e.startTime - last < 1000 && e.startTime - first < 5000 ? win + e.value! : ((first = e.startTime), e.value!);
    last = e.startTime;
    cls = Math.max(cls, win);
  }
  return cls;
}

/**
 * The page view's TTFB, FCP, LCP and CLS read synchronously from the performance timeline, for a
 * page hidden before web-vitals has loaded (start-up runs after load, in idle time, so a page left
 * within a second of its load has none). Without them a bounce reports no vitals at all, and the
 * field's p75 leans to the page views that stayed (those left early are often the slow ones).
 *
 * The values follow web-vitals' definitions (from activationStart; CLS as its largest session
 * window: shifts under 1 s apart, 5 s at most, none just after input). Buffered entries reach a
 * new observer's queue as it starts observing, so `takeRecords()` returns them in the same task.
 * INP is not here: the buffer keeps only interactions of 104 ms or more. Engines without an entry
 * type report what they have (WebKit: TTFB, FCP; LCP where it has it).
 */
export function timelineVitals(): PerfEvent[] {
  const nav: (PerformanceEntry & { type?: string; responseStart?: number; activationStart?: number }) | undefined = performance.getEntriesByType('navigation')[0];
  const act = nav?.activationStart || 0;
  const attrs = { navigationType: act ? 'prerender' : (nav?.type || 'navigate').replace(/_/g, '-') };
  const types = PerformanceObserver.supportedEntryTypes || [];
  const take = (type: string) => {
    if (!types.includes(type)) return [];
    const po = new PerformanceObserver(Object);
    po.observe({ type, buffered: true });
    const list = po.takeRecords() as Shift[];
    po.disconnect();
    return list;
  };
  // From activation, as web-vitals measures a prerendered page; undefined where there is no entry.
  const ms = (t: number | undefined) => (t ? Math.max(t - act, 0) : undefined);
  const found: Array<[string, number | undefined]> = [
    ['TTFB', ms(nav?.responseStart)],
    ['FCP', ms(performance.getEntriesByName('first-contentful-paint')[0]?.startTime)],
    ['LCP', ms(take('largest-contentful-paint').pop()?.startTime)],
    ['CLS', types.includes('layout-shift') ? largestWindow(take('layout-shift')) : undefined],
  ];
  return found.flatMap(([name, value]) =>
    value === undefined ? [] : [{ kind: 'vital', name, value, ...(name == 'CLS' ? {} : { unit: 'ms' }), rating: rate(value, THRESHOLDS[name]!), ts: Date.now(), id: `pp-${Math.random()}`, attrs }]);
}
