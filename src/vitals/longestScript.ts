/** The fields of a `PerformanceScriptTiming` (a LoAF's script) that pagepace reports. */
export interface ScriptTiming {
  startTime: number;
  duration: number;
  sourceURL?: string;
  invokerType?: string;
  invoker?: string;
}

/**
 * The longest long-animation-frame script that overlaps `[start, end]` (ms), read from the
 * browser's buffer at once: an observer with `buffered: true` and `takeRecords()`.
 *
 * Why: web-vitals attributes INP with the LoAF entries its own observer has been given. At a hide
 * that comes soon after the interaction, the frame's entry is queued but that observer's callback
 * has not run yet, so the attribution names no script (reproduced in Chromium 150: 1 of 15 page
 * views left 20 ms after a 250 ms click; e2e/measure.spec.ts pins it). The buffer already has it.
 */
export function longestScriptDuring(start: number, end: number): ScriptTiming | undefined {
  if (!PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame')) return undefined;
  const po = new PerformanceObserver(() => {});
  po.observe({ type: 'long-animation-frame', buffered: true });
  const frames = po.takeRecords() as (PerformanceEntry & { scripts?: ScriptTiming[] })[];
  po.disconnect();
  let best: ScriptTiming | undefined;
  for (const f of frames) {
    for (const s of f.scripts ?? []) {
      if (s.startTime <= end && s.startTime + s.duration >= start && s.duration > (best?.duration ?? -1)) best = s;
    }
  }
  return best;
}
