import type { Batch, PerfEvent } from '../core/types';
import { randomHex } from '../core/ids';
import { newBatch } from './envelope';

/** Batching thresholds and bounds. */
export interface BatcherOptions {
  maxEvents: number;
  maxBytes: number;
  maxDelayMs: number;
  /** Events held in memory at most; past it new events are dropped and counted. */
  maxQueue: number;
}

/** Where batches go. */
export interface BatcherDeps {
  /** Takes a batch for delivery; resolves once it is sent, refused or safely parked. */
  deliver(batch: Batch): Promise<void>;
  /** Page hide: sends synchronously (what is queued, if anything, and what delivery still holds). */
  unload(batch: Batch | undefined): void;
  /** Backpressure: while true, full batches wait in the queue instead of being handed over. */
  busy(): boolean;
  sessionId: string;
  /** The page URL as it may be sent (already privacy-stripped). */
  page: () => string;
  /** The open batch changed (an event added, or a batch taken): e.g. re-register the deferred request. */
  changed?: () => void;
}

/** Counters of the batcher. */
export interface BatcherStats {
  /** Events accepted into the queue. */
  queued: number;
  /** Events refused because the queue was full. */
  overflow: number;
  /** Batches formed. */
  batches: number;
}

/** Queues events and hands them over as batches. */
export interface Batcher {
  add(e: PerfEvent): void;
  /** Hands over what is queued; resolves when every handed-over batch has settled. Never rejects. */
  flush(unloading?: boolean): Promise<void>;
  /** Hands over a full batch if delivery has room again. */
  pump(): void;
  /** The batch the next hand-over would form, with the id it will have, without taking it. */
  peek(): Batch | undefined;
  readonly stats: Readonly<BatcherStats>;
  /** Stops the timer; queued events stay until a last flush. */
  stop(): void;
}

const eventBytes = (e: PerfEvent) => JSON.stringify(e).length + 1;

/**
 * Batches by count, bytes and time. Batching is all it knows: what an event means and how a batch
 * travels are its caller's business.
 */
export function createBatcher(opts: BatcherOptions, deps: BatcherDeps): Batcher {
  const queue: PerfEvent[] = [];
  const sizes: number[] = [];
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Set<Promise<void>>();
  const stats: BatcherStats = { queued: 0, overflow: 0, batches: 0 };

  // The open batch keeps its id from its first event on: the deferred request that holds it and
  // the send that finally takes it carry the same id, so the collector keeps one of the two.
  let openId: string | undefined;

  /** How many events from the head form the next batch: at most `max` and, past the first, at most maxBytes (every batch fits a beacon). */
  const count = (max: number) => {
    let n = 0;
    let b = 0;
    while (n < Math.min(max, queue.length) && (n === 0 || b + sizes[n]! <= opts.maxBytes)) b += sizes[n++]!;
    return [n, b] as const;
  };

  const take = (max = queue.length): Batch | undefined => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!queue.length) return undefined;
    const [n, b] = count(max);
    const events = queue.splice(0, n);
    sizes.splice(0, n);
    bytes -= b;
    if (queue.length) arm();
    stats.batches++;
    const batch = { ...newBatch(deps.sessionId, deps.page(), events), ...(openId ? { batchId: openId } : {}) };
    openId = queue.length ? randomHex(8) : undefined;
    deps.changed?.();
    return batch;
  };

  const dispatch = (max?: number) => {
    const batch = take(max);
    if (!batch) return;
    const p: Promise<void> = deps.deliver(batch).catch(() => {}).finally(() => pending.delete(p));
    pending.add(p);
  };

  const arm = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      dispatch(opts.maxEvents);
    }, opts.maxDelayMs);
  };

  return {
    add(e) {
      if (queue.length >= opts.maxQueue) {
        stats.overflow++;
        return;
      }
      const size = eventBytes(e);
      if (bytes + size > opts.maxBytes && queue.length && !deps.busy()) dispatch();
      openId ??= randomHex(8);
      queue.push(e);
      sizes.push(size);
      bytes += size;
      stats.queued++;
      if ((queue.length >= opts.maxEvents || bytes >= opts.maxBytes) && !deps.busy()) dispatch(opts.maxEvents);
      else arm();
      deps.changed?.();
    },
    async flush(unloading = false) {
      if (unloading) {
        // Everything in as few requests as maxBytes allows (each fits a beacon); the first call
        // also lets delivery send what it still holds, even when nothing is queued.
        do deps.unload(take());
        while (queue.length);
        return;
      }
      while (queue.length) dispatch(opts.maxEvents);
      await Promise.all(pending);
    },
    pump() {
      while (queue.length >= opts.maxEvents && !deps.busy()) dispatch(opts.maxEvents);
    },
    peek() {
      if (!queue.length) return undefined;
      const [n] = count(opts.maxEvents);
      return { ...newBatch(deps.sessionId, deps.page(), queue.slice(0, n)), batchId: openId ?? (openId = randomHex(8)) };
    },
    stats,
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
