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
  if (isPlain(m.attribution)) flatten(attrs, m.attribution, 'attribution.', 1);
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
