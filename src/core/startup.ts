import { whenIdleAfterLoad } from './idle';

/**
 * pagepace's start-up as a list of small steps, one per task: after load, in idle time, and with
 * a yield to the browser between two steps (`scheduler.yield()` where it exists, a new task
 * elsewhere: Safari has neither it nor requestIdleCallback; three steps never reach setTimeout's nesting clamp), so that no task of pagepace's holds
 * the main thread long enough to delay an input (a long task is over 50 ms; at 4× CPU throttling a
 * step costs a few ms).
 */

type Scheduler = { yield?: () => Promise<void> };

/** Gives the browser a chance to run input handlers and paint before the next step. */
export const yieldToPage = (): Promise<void> => {
  const s = (globalThis as { scheduler?: Scheduler }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((r) => setTimeout(r, 0));
};

/** A start-up in steps. */
export interface Startup {
  /** Runs every step not yet run, now and in this task (a hide, flush() or destroy() cannot wait). */
  finish(): void;
  /** Stops: the steps not yet run never run. */
  cancel(): void;
  /** Whether every step has run. */
  readonly done: boolean;
}

/**
 * Runs `steps` in order after load, in idle time, one per task with a yield between them. A step
 * that throws is the caller's to guard; the next steps still run.
 */
export function startInSteps(steps: ReadonlyArray<() => void>, run: (step: () => void) => void = (s) => s()): Startup {
  let next = 0;
  let cancelled = false;
  const step = () => {
    if (cancelled || next >= steps.length) return false;
    run(steps[next++]!);
    return next < steps.length;
  };
  const loop = async () => {
    while (step()) await yieldToPage();
  };
  const cancelIdle = whenIdleAfterLoad(() => void loop());
  return {
    finish() {
      while (step());
    },
    cancel() {
      cancelled = true;
      cancelIdle();
    },
    get done() {
      return next >= steps.length;
    },
  };
}
