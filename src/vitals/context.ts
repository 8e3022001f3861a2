import type { Guard } from '../core/guard';
import type { PerfEvent } from '../core/types';

/** What every source is given: where events go, the failure guard, and the overhead timer. */
export interface SourceContext {
  /** The pipeline's entry (createPagePace's `record`). */
  record: (e: PerfEvent) => unknown;
  /** Catches and counts pagepace's own failures; nothing reaches the host page. */
  guard: Guard;
  /** Runs `fn`, counting its main-thread time as pagepace's own overhead. */
  timed: <T>(fn: () => T) => T;
  /** pagepace's lifecycle: `fn` runs at every hide, before the sender sends (absent: a listener of the part's own). */
  onHide?: (fn: () => void) => () => void;
}
