/** Counts and reports pagepace's own failures without ever letting them reach the host page. */
export interface Guard {
  /** Runs `fn`; a throw is swallowed, counted and reported once per `feature`. */
  run<T>(feature: string, fn: () => T): T | undefined;
  /** Wraps a callback so that it can never throw into the caller (browser or library). */
  wrap<A extends unknown[]>(feature: string, fn: (...args: A) => void): (...args: A) => void;
  /** Records a failure that was caught elsewhere (e.g. a rejected promise). */
  report: (feature: string, err: unknown) => void;
  /** How many failures were caught. */
  readonly errors: number;
}

/** Creates a guard; with `debug`, the first failure of each feature is logged. */
export function createGuard(debug: boolean): Guard {
  const seen = new Set<string>();
  let errors = 0;
  const report = (feature: string, err: unknown) => {
    errors++;
    if (debug && !seen.has(feature)) {
      seen.add(feature);
      console.warn(`[pagepace] ${feature} failed and is degraded:`, err);
    }
  };
  const run = <T>(feature: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      report(feature, err);
      return undefined;
    }
  };
  return {
    run,
    wrap: (feature, fn) => (...args) => void run(feature, () => fn(...args)),
    report,
    get errors() {
      return errors;
    },
  };
}
