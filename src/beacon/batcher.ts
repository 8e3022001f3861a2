import { randomHex } from '../core/ids';
import type { Batch, PerfEvent } from '../core/types';
import { PROTOCOL_VERSION } from '../core/types';
import type { Send } from './transport';

/** Batching thresholds and bounds. */
export interface BatcherOptions {
  maxEvents: number;
  maxBytes: number;
  maxDelayMs: number;
  /** Events kept while sends are pending; past it the newest are dropped and counted. */
  maxQueue: number;
}

/** What the batcher needs from the page. */
export interface BatcherDeps {
  send: Send;
  /** At page hide, before the last batch: lets the transport send what it is still encoding. */
  drain?: () => void;
  sessionId: string;
  /** The page URL as it may be sent (already privacy-stripped). */
  page: () => string;
  /** Called with a send failure (a rejected promise); never thrown. */
  onError: (err: unknown) => void;
}

/** Counters of the batcher. */
export interface BatcherStats {
  queued: number;
  sent: number;
  dropped: number;
  failed: number;
  batches: number;
}

/** Queues events and sends them as batches. */
export interface Batcher {
  add(e: PerfEvent): void;
  /** Sends what is queued; resolves when every pending send has settled; never rejects. */
  flush(unloading?: boolean): Promise<void>;
  readonly stats: Readonly<BatcherStats>;
  /** Stops the timer; queued events stay until a last flush. */
  stop(): void;
}

const eventBytes = (e: PerfEvent) => JSON.stringify(e).length + 1;

/**
 * Batches by count, bytes and time. Sending is all it knows: what an event means, and when the
 * page is going away, are its caller's business (the caller passes `unloading`).
 */
export function createBatcher(opts: BatcherOptions, deps: BatcherDeps): Batcher {
  let queue: PerfEvent[] = [];
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Set<Promise<void>>();
  const stats: BatcherStats = { queued: 0, sent: 0, dropped: 0, failed: 0, batches: 0 };

  const take = (): Batch | undefined => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!queue.length) return undefined;
    const events = queue;
    queue = [];
    bytes = 0;
    return { v: PROTOCOL_VERSION, batchId: randomHex(8), sessionId: deps.sessionId, page: deps.page(), sentAt: Date.now(), events };
  };

  const dispatch = (unloading: boolean) => {
    const batch = take();
    if (!batch) return;
    stats.batches++;
    const n = batch.events.length;
    // Called synchronously: at pagehide a sendBeacon must happen inside this task.
    let sending: Promise<boolean>;
    try {
      sending = deps.send(batch, unloading);
    } catch (err) {
      sending = Promise.reject(err);
    }
    const p: Promise<void> = sending
      .then(
        (ok) => {
          if (ok) stats.sent += n;
          else (stats.failed++, (stats.dropped += n));
        },
        (err) => {
          stats.failed++;
          stats.dropped += n;
          deps.onError(err);
        },
      )
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  return {
    add(e) {
      const size = eventBytes(e);
      if (queue.length >= opts.maxQueue) {
        stats.dropped++;
        return;
      }
      if (bytes + size > opts.maxBytes && queue.length) dispatch(false);
      queue.push(e);
      bytes += size;
      stats.queued++;
      if (queue.length >= opts.maxEvents || bytes >= opts.maxBytes) dispatch(false);
      else if (timer === undefined) timer = setTimeout(() => dispatch(false), opts.maxDelayMs);
    },
    async flush(unloading = false) {
      if (unloading) deps.drain?.();
      dispatch(unloading);
      await Promise.all(pending);
    },
    stats,
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
