import type { PerfEvent } from '../core/types';

/** pagepace's own cost, measured on itself. The counters are plain data, read by {@link takeOverhead}. */
export interface Overhead {
  /** Runs `fn` and counts its main-thread time; nested calls count once (the outermost). */
  timed: <T>(fn: () => T) => T;
  /** Main-thread ms in pagepace's handlers since the last report. */
  ms: number;
  /** Handler calls since the last report. */
  calls: number;
  /** The longest handler call since the last report, ms. */
  max: number;
  /** Bytes sent as of the last report. */
  bytes: number;
}

/** Counts the main-thread time of pagepace's handlers (the report is {@link takeOverhead}, kept out of the eager bundle). */
export function createOverhead(now: () => number = () => performance.now()): Overhead {
  let depth = 0;
  const o: Overhead = {
    ms: 0,
    calls: 0,
    max: 0,
    bytes: 0,
    timed(fn) {
      if (depth) return fn();
      depth++;
      const t0 = now();
      try {
        return fn();
      } finally {
        depth--;
        const d = now() - t0;
        o.ms += d;
        o.calls++;
        if (d > o.max) o.max = d;
      }
    },
  };
  return o;
}

/**
 * The cost since the last report as events, then starts over: `overhead.cpu` (ms of main-thread
 * time in pagepace's handlers; attrs `calls`, `max` = the longest one) and, given the bytes sent so
 * far, `overhead.bytes` (bytes put on the wire since the last report). Empty when nothing happened.
 */
export function takeOverhead(o: Overhead, ts: number, bytesSent?: number): PerfEvent[] {
  const out: PerfEvent[] = [];
  if (o.calls) out.push({ kind: 'overhead', name: 'overhead.cpu', value: o.ms, unit: 'ms', ts, attrs: { calls: o.calls, max: o.max } });
  if (bytesSent !== undefined && bytesSent > o.bytes) {
    out.push({ kind: 'overhead', name: 'overhead.bytes', value: bytesSent - o.bytes, unit: 'bytes', ts });
    o.bytes = bytesSent;
  }
  o.ms = o.calls = o.max = 0;
  return out;
}
