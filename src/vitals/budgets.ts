import type { Attrs, PerfEvent } from '../core/types';
import { partsOf } from './parts';

/** What a breached budget reports. */
export interface Breach {
  /** The metric name, e.g. `LCP`, or a part of one, e.g. `INP.inputDelay`. */
  metric: string;
  /** The value that breached the budget. */
  value: number;
  /** The budget. */
  budget: number;
  /** The event that breached it. */
  event: PerfEvent;
  /** What caused it: the event's `attribution.*` attrs (web-vitals' attribution build), its `scripts.*` for long frames, and its route. */
  attribution: Attrs;
  /** The route view the value belongs to, when routes are tracked. */
  route?: string;
}

/** Budgets checked event by event. */
export interface Budgets {
  /** Checks an event (and its LCP or INP parts) against their budgets; calls the callback on each new breach, and returns them. */
  check(e: PerfEvent): Breach[];
}

/** The attrs that explain a value: attribution, long-frame scripts, and where it happened. */
export function attributionOf(e: PerfEvent): Attrs {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(e.attrs ?? {})) if (/^(attribution|scripts)\.|^(route|navigationType)$/.test(k)) out[k] = v;
  return out;
}

/**
 * Fires `onBreach` once per breach: the first time a metric's value (or a part's: `LCP.elementRenderDelay`)
 * goes over its budget in a route view (the whole page when routes are not used). Later values of
 * the same metric there — a CLS that keeps growing, more slow interactions — are the same breach
 * and stay quiet. Budget names are the user's: only own keys count (`toString` is no budget).
 */
export function createBudgets(budgets: Readonly<Record<string, number>>, onBreach: (b: Breach) => void): Budgets {
  const fired = new Set<string>();
  return {
    check(e) {
      const r = e.attrs?.route;
      const route = typeof r === 'string' ? r : undefined;
      const out: Breach[] = [];
      for (const [metric, value] of [[e.name, e.value] as [string, number], ...partsOf(e)]) {
        const budget = Object.hasOwn(budgets, metric) ? budgets[metric]! : undefined;
        const key = `${metric}\u0000${route ?? ''}`;
        if (budget === undefined || !(value > budget) || fired.has(key)) continue;
        fired.add(key);
        const b: Breach = { metric, value, budget, event: e, attribution: attributionOf(e) };
        if (route !== undefined) b.route = route;
        onBreach(b);
        out.push(b);
      }
      return out;
    },
  };
}
