import { leakEvent, leakSignal } from './leak';
import type { LeakOptions, MemorySample } from './leak';
import type { SourceContext } from './context';

/** Options of the memory source. */
export interface MemoryOptions {
  /** Time between samples, ms. Default 30,000. */
  intervalMs?: number;
  /** Thresholds of the leak signal. */
  leak?: LeakOptions;
}

/** Samples kept for the trend (at 30 s, the last 15 minutes). */
export const MEMORY_WINDOW = 30;

type Reader = () => Promise<[number, string] | undefined>;

/**
 * How this browser can tell memory use: `performance.measureUserAgentSpecificMemory()` when the
 * page is cross-origin isolated (all of the page's memory, but only then allowed), otherwise
 * Chromium's `performance.memory.usedJSHeapSize` (the JS heap, coarsened by the browser), or
 * nothing.
 */
export function memoryReader(): Reader | undefined {
  const p = performance as Performance & {
    measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
    memory?: { usedJSHeapSize: number };
  };
  const heap: Reader = () => Promise.resolve(p.memory ? [p.memory.usedJSHeapSize, 'heap'] : undefined);
  if (globalThis.crossOriginIsolated && p.measureUserAgentSpecificMemory) {
    return async () => {
      try {
        return [(await p.measureUserAgentSpecificMemory!()).bytes, 'uasm'];
      } catch {
        // SecurityError in some frames, or the browser declining: the heap size still says something.
        return heap();
      }
    };
  }
  return p.memory ? heap : undefined;
}

/**
 * Samples memory every `intervalMs` as `memory` events (value in bytes, attr `source`), and once
 * per page, when the trend of the last samples looks like a leak, a `memory.leak` event
 * ({@link leakEvent}: value in bytes per minute, unit `bytes/min`).
 * @returns stop.
 */
export function startMemory(ctx: SourceContext, opts: MemoryOptions = {}): () => void {
  const read = memoryReader();
  if (!read) return () => {};
  const interval = opts.intervalMs ?? 30_000;
  const samples: MemorySample[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let leakReported = false;
  const tick = async () => {
    const got = await read();
    if (stopped) return;
    if (got) ctx.timed(() => {
      const [bytes, source] = got;
      const now = performance.now();
      const ts = performance.timeOrigin + now;
      ctx.record({ kind: 'memory', name: 'memory', value: bytes, unit: 'bytes', ts, attrs: { source } });
      samples.push({ t: now, bytes });
      if (samples.length > MEMORY_WINDOW) samples.shift();
      const leak = leakSignal(samples, opts.leak);
      if (leak.leaking && !leakReported) {
        leakReported = true;
        ctx.record(leakEvent(leak, ts));
      }
    });
    timer = setTimeout(run, interval);
  };
  const run = () => void tick().catch((err) => ctx.guard.report('memory', err));
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
