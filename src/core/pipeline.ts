import type { PerfEvent } from './types';

/** One step of the pipeline: returns the event to pass on (changed or not), or null to stop it there. */
export type Step = (e: PerfEvent) => PerfEvent | null;

/**
 * Runs `e` through `steps` in order, one direction, nothing calling back up the flow. Returns the
 * event as the last step to see it left it (the caller's return value), even when a step stops it.
 */
export function runPipeline(steps: readonly Step[], e: PerfEvent): PerfEvent {
  for (const step of steps) {
    const out = step(e);
    if (!out) return e;
    e = out;
  }
  return e;
}
