import type { Metric, MetricType, ReportOpts } from 'web-vitals';
import { importWhenOnline } from '../core/online';
import type { Attrs, PerfEvent } from '../core/types';
import { onINPAtHide } from './inpAtHide';
import { longestScriptDuring } from './longestScript';
import type { ScriptTiming } from './longestScript';

type OnMetric = (cb: (m: MetricType) => void, opts?: ReportOpts) => void;
type Lib = Record<'onCLS' | 'onFCP' | 'onINP' | 'onLCP' | 'onTTFB', OnMetric>;

/** Options of {@link observeVitals}. */
export interface ObserveVitalsOptions {
  /** Load web-vitals' attribution build (a separate chunk) and flatten its fields into `attrs`. */
  attribution?: boolean;
  /** Report every change, not only final values. */
  reportAllChanges?: boolean;
  /**
   * Use web-vitals' soft-navigation support (`reportSoftNavs`): where the browser exposes
   * soft navigations, each route view gets its own LCP, INP, CLS…, and every vital carries
   * web-vitals' `navigationURL` and `navigationId` in `attrs`. Elsewhere nothing changes.
   */
  softNavs?: boolean;
}

const isPlain = (v: unknown): v is Record<string, unknown> => !!v && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Copies primitive fields into flat attrs under `prefix`, one level into plain objects (such as
 * INP's `longestScript`). PerformanceEntry objects, DOM nodes and arrays stay out: they are large,
 * not serialisable, and their useful parts are already summarised by web-vitals.
 */
function flatten(into: Attrs, obj: Record<string, unknown>, prefix: string, depth: number): void {
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) into[prefix + k] = v;
    else if (depth > 0 && isPlain(v)) flatten(into, v, `${prefix}${k}.`, depth - 1);
  }
}

/**
 * Turns a web-vitals metric into a PerfEvent. Attrs use the names the binary protocol's `vital`
 * schema knows (docs/protocol.md §8): `navigationType`, `delta` (only when it differs from the
 * value, i.e. with reportAllChanges) and `attribution.<field>`.
 */
export function vitalEvent(m: Metric & { attribution?: object }): PerfEvent {
  const attrs: Attrs = { navigationType: m.navigationType };
  if (m.delta !== m.value) attrs.delta = m.delta;
  if (isPlain(m.attribution)) {
    flatten(attrs, m.attribution, 'attribution.', 1);
    // INP's longest script is a PerformanceScriptTiming entry: name its script, in the protocol's keys.
    // Where web-vitals had no LoAF for the interaction yet (a hide soon after it), from the buffer.
    const a = m.attribution as { longestScript?: { entry?: Partial<ScriptTiming> }; interactionTime?: unknown };
    const script: Partial<ScriptTiming> | undefined = a.longestScript?.entry
      ?? (m.name == 'INP' && typeof a.interactionTime == 'number' ? longestScriptDuring(a.interactionTime, a.interactionTime + m.value) : undefined);
    if (script) {
      for (const k of ['sourceURL', 'invokerType', 'invoker'] as const) {
        const v = script[k];
        if (typeof v === 'string' && v) attrs[`attribution.longestScript.${k}`] = v;
      }
    }
  }
  return {
    kind: 'vital',
    name: m.name,
    value: m.value,
    ...(m.name === 'CLS' ? {} : { unit: 'ms' }),
    rating: m.rating,
    ts: Date.now(),
    id: m.id,
    attrs,
  };
}

/**
 * When a metric happened, `performance.now()` ms: its first entry (INP's interaction, the start
 * of CLS's worst session window, the LCP render), or now when it has none (CLS of 0). A
 * `soft-navigation` entry (a soft navigation's TTFB) starts at the click, before the router
 * changed the URL and so before the route view began: it counts at its first paint, by when the
 * URL has changed, so the metric goes to the route navigated to.
 */
export const metricTime = (m: Pick<Metric, 'entries'>): number => {
  const e = m.entries[0];
  return !e ? performance.now() : e.entryType === 'soft-navigation' ? e.startTime + e.duration : e.startTime;
};

/**
 * Observes LCP, INP, CLS, FCP and TTFB through web-vitals and reports each as a PerfEvent.
 * web-vitals has no way to unsubscribe, so `report` must itself go quiet after destroy.
 * web-vitals is imported dynamically, the attribution build only when asked for: start-up runs in
 * idle time after load and web-vitals reads buffered entries, so its 3 kB need not be eager.
 * With `routeAt`, each metric gets `attrs.route`: the route view active when it happened, not when
 * it was reported (INP and CLS are reported at page hide, often on another route).
 */
export async function observeVitals(
  opts: ObserveVitalsOptions,
  report: (e: PerfEvent) => void,
  routeAt?: (t: number) => string | undefined,
): Promise<void> {
  const lib = await importWhenOnline((): Promise<Lib> => (opts.attribution ? import('web-vitals/attribution') : import('web-vitals')) as unknown as Promise<Lib>);
  const ro: ReportOpts = { reportAllChanges: !!opts.reportAllChanges, ...(opts.softNavs ? { reportSoftNavs: true } : {}) };
  // Which navigation a vital belongs to, where there can be more than one per page.
  const soft = opts.softNavs && !!PerformanceObserver.supportedEntryTypes?.includes('soft-navigation');
  const cb = (m: MetricType) => {
    const e = vitalEvent(m);
    if (soft) {
      e.attrs!.navigationId = m.navigationId;
      if (m.navigationURL) e.attrs!.navigationURL = m.navigationURL;
    }
    const route = routeAt?.(metricTime(m));
    if (route !== undefined) e.attrs!.route = route;
    report(e);
  };
  lib.onTTFB(cb, ro);
  lib.onFCP(cb, ro);
  lib.onLCP(cb, ro);
  lib.onCLS(cb, ro);
  // Each change when asked for; else once per hide, an interaction just before it included (inpAtHide.ts).
  if (opts.reportAllChanges) lib.onINP(cb, ro);
  else onINPAtHide(lib.onINP, cb, ro);
}
