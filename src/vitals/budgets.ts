import type { Attrs, PerfEvent } from '../core/types';

/** What a breached budget reports. */
export interface Breach {
  /** The metric name, e.g. `LCP`. */
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
  /** Checks an event against its metric's budget; calls the callback on a new breach. Returns the breach, if any. */
  check(e: PerfEvent): Breach | undefined;
}

/** The attrs that explain a value: attribution, long-frame scripts, and where it happened. */
export function attributionOf(e: PerfEvent): Attrs {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(e.attrs ?? {})) if (/^(attribution|scripts)\.|^(route|navigationType)$/.test(k)) out[k] = v;
  return out;
}

/**
 * Fires `onBreach` once per breach: the first time a metric's value goes over its budget in a
 * route view (the whole page when routes are not used). Later values of the same metric there —
 * a CLS that keeps growing, more slow interactions — are the same breach and stay quiet.
 */
export function createBudgets(budgets: Readonly<Record<string, number>>, onBreach: (b: Breach) => void): Budgets {
  const fired = new Set<string>();
  return {
    check(e) {
      const budget = budgets[e.name];
      if (budget === undefined || !(e.value > budget)) return undefined;
      const r = e.attrs?.route;
      const route = typeof r === 'string' ? r : undefined;
      const key = `${e.name}\u0000${route ?? ''}`;
      if (fired.has(key)) return undefined;
      fired.add(key);
      const b: Breach = { metric: e.name, value: e.value, budget, event: e, attribution: attributionOf(e) };
      if (route !== undefined) b.route = route;
      onBreach(b);
      return b;
    },
  };
}
