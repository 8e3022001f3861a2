import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
import type { Metric, MetricType, ReportOpts } from 'web-vitals';
import type { Attrs, PerfEvent } from '../core/types';

type OnMetric = (cb: (m: MetricType) => void, opts?: ReportOpts) => void;
type Lib = Record<'onCLS' | 'onFCP' | 'onINP' | 'onLCP' | 'onTTFB', OnMetric>;

/** Options of {@link observeVitals}. */
export interface ObserveVitalsOptions {
  /** Load web-vitals' attribution build (a separate chunk) and flatten its fields into `attrs`. */
  attribution?: boolean;
  /** Report every change, not only final values. */
  reportAllChanges?: boolean;
}

/** Turns a web-vitals metric into a PerfEvent; attribution fields become flat attrs. */
export function vitalEvent(m: Metric & { attribution?: object }): PerfEvent {
  const attrs: Attrs = { nav: m.navigationType };
  if (m.attribution) {
    for (const [k, v] of Object.entries(m.attribution)) {
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) attrs[k] = v;
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
 * Observes LCP, INP, CLS, FCP and TTFB through web-vitals and reports each as a PerfEvent.
 * web-vitals has no way to unsubscribe, so `report` must itself go quiet after destroy.
 * The attribution build is imported dynamically: it is only fetched when asked for.
 */
export async function observeVitals(opts: ObserveVitalsOptions, report: (e: PerfEvent) => void): Promise<void> {
  const lib: Lib = opts.attribution
    ? ((await import('web-vitals/attribution')) as unknown as Lib)
    : ({ onCLS, onFCP, onINP, onLCP, onTTFB } as unknown as Lib);
  const ro: ReportOpts = { reportAllChanges: !!opts.reportAllChanges };
  const cb = (m: MetricType) => report(vitalEvent(m));
  lib.onTTFB(cb, ro);
  lib.onFCP(cb, ro);
  lib.onLCP(cb, ro);
  lib.onCLS(cb, ro);
  lib.onINP(cb, ro);
}
