/** A running observer. */
export interface Observation {
  /** Hands entries queued but not yet delivered to the callback now (before a report at page hide). */
  flush(): void;
  /** Disconnects. */
  stop(): void;
}

/**
 * Observes one PerformanceObserver entry type, buffered so entries from before pagepace started
 * count too. Returns `undefined` when the browser does not support the type (the source is then
 * skipped silently). `cb` must not throw: callers pass a guarded one.
 */
export function observe(type: string, cb: (entries: PerformanceEntry[]) => void): Observation | undefined {
  try {
    if (!PerformanceObserver.supportedEntryTypes?.includes(type)) return undefined;
    const po = new PerformanceObserver((list) => cb(list.getEntries()));
    po.observe({ type, buffered: true });
    return {
      flush: () => {
        const pending = po.takeRecords();
        if (pending.length) cb(pending);
      },
      stop: () => po.disconnect(),
    };
  } catch {
    // No PerformanceObserver at all, or a browser that rejects the options: skip the source.
    return undefined;
  }
}

/** Epoch milliseconds of a `performance.now()`-relative time. */
export const epoch = (t = performance.now()): number => performance.timeOrigin + t;
