import type { PerfEvent } from '../core/types';
import { epoch } from './observe';
import type { SourceContext } from './context';

/** The fields of a PerformanceNavigationTiming entry the phases need. */
export type NavigationTimes = Pick<
  PerformanceNavigationTiming,
  | 'redirectStart' | 'redirectEnd' | 'domainLookupStart' | 'domainLookupEnd' | 'connectStart' | 'connectEnd'
  | 'secureConnectionStart' | 'requestStart' | 'responseStart' | 'responseEnd' | 'domComplete'
> & { activationStart?: number };

/**
 * The phases of a page load, in ms: redirect, DNS, connect (TCP + TLS), TLS, request (sent →
 * first byte), response (first → last byte), DOM processing (last byte → DOM complete). TLS is
 * left out on plain http; a negative span (a phase the browser skipped) counts as 0.
 * A prerendered page is measured from its activation, as web-vitals measures its TTFB: each time
 * is `max(t - activationStart, 0)`, so what happened before the user opened the page counts 0.
 */
export function navigationPhases(n: NavigationTimes): Array<[string, number]> {
  const act = n.activationStart || 0;
  const span = (a: number, b: number) => Math.max(0, Math.max(b - act, 0) - Math.max(a - act, 0));
  const out: Array<[string, number]> = [
    ['nav.redirect', span(n.redirectStart, n.redirectEnd)],
    ['nav.dns', span(n.domainLookupStart, n.domainLookupEnd)],
    ['nav.connect', span(n.connectStart, n.connectEnd)],
  ];
  if (n.secureConnectionStart > 0) out.push(['nav.tls', span(n.secureConnectionStart, n.connectEnd)]);
  out.push(
    ['nav.request', span(n.requestStart, n.responseStart)],
    ['nav.response', span(n.responseStart, n.responseEnd)],
    ['nav.dom', span(n.responseEnd, n.domComplete)],
  );
  return out;
}

/** The phases as `navigation` events (a dictionary kind in the binary protocol); a prerendered page's say so in `attrs.navigationType`. */
export function navigationEvents(n: NavigationTimes, ts: number): PerfEvent[] {
  const attrs = (n.activationStart || 0) > 0 ? { attrs: { navigationType: 'prerender' } } : {};
  return navigationPhases(n).map(([name, value]) => ({ kind: 'navigation', name, value, unit: 'ms', ts, ...attrs }));
}

/**
 * Reports the navigation phases once the page has loaded (domComplete is set by then).
 * @returns stop: removes the load listener or timer if the report has not happened yet.
 */
export function startNavigation(ctx: SourceContext): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const report = ctx.guard.wrap('navigation', () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the DOM's getEntriesByType is not generic; the rule misreads it
    const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    if (nav) ctx.timed(() => navigationEvents(nav, epoch()).forEach(ctx.record));
  });
  // After the load handlers have run, so the page's own work comes first.
  const onLoad = () => (timer = setTimeout(report, 0));
  if (document.readyState === 'complete') onLoad();
  else addEventListener('load', onLoad);
  return () => {
    removeEventListener('load', onLoad);
    clearTimeout(timer);
  };
}
