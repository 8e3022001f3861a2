import type { Batch } from '../core/types';
import { journalTake, journalWrite, sentClear, sentTake, sentWrite } from './journal';
import type { Outbox, OutboxEntry } from './outbox';
import { FRESH_HOLD_MS, HELD, outboxKey as keyOf, replayDue, withSendLock } from '../shared/swContract';
import { backoffDelay, DEFAULT_BACKOFF } from './retry';
import type { BackoffOptions, Outcome } from './retry';
import { KEEPALIVE_LIMIT } from './transport';
import type { Transport } from './transport';

/** Counters of delivery. */
export interface DeliveryStats {
  /** Events acknowledged by the backend (or taken by the browser's beacon at page hide). */
  sent: number;
  /** Events lost by a documented bound: outbox bytes or age, or refused by the backend (4xx). */
  dropped: number;
  /** Send attempts that will be tried again. */
  retried: number;
  /** Events the backend refused for good (non-retryable 4xx); also counted in `dropped`. */
  rejected: number;
}

/** What delivery needs. */
export interface DeliveryDeps {
  transport: Transport;
  outbox: Outbox;
  stats: DeliveryStats;
  backoff?: BackoffOptions;
  /** Sends running at once (new batches, retries and replays alike); more batches wait in the outbox. */
  maxInFlight?: number;
  /** Bytes (JSON size) of the batches being sent at once, by default the keepalive budget; a lone batch always goes. */
  maxInFlightBytes?: number;
  onError: (feature: string, err: unknown) => void;
  /** A batch was lost to a bound: the pipeline reports it as a `dropped` event. */
  onDropped: (events: number, reason: string) => void;
  /** Capacity freed: the batcher may hand over its next batch. */
  onIdle: () => void;
  /** Where and how batches go, stored with each outbox entry for the service worker's replay. */
  target?: Pick<OutboxEntry, 'endpoint' | 'format'>;
  /** A batch is parked for retry: e.g. ask the service worker to replay the outbox when back online. */
  onParked?: () => void;
  /**
   * Splits a batch as it is handed over (deliver, unload, a journal replay) into batches delivered
   * each on its own: with OTLP, one per signal (`splitSignals`). By default a batch stays whole.
   */
  split?: (batch: Batch) => Batch[];
}

/** Delivers batches exactly once or counts them as dropped. */
export interface Delivery {
  /** Saves the batch (each part of it, see `split`) in the outbox, then sends it. Resolves once it is acknowledged, refused, or parked for retry. */
  deliver(batch: Batch): Promise<void>;
  /**
   * At page hide: sends `batch`, and the batches not yet handed to the network, by the synchronous
   * path; `final` (pagehide, freeze) also takes back the live sends under way, which the browser
   * cancels with the page. Batches waiting for a retry stay in a persistent outbox for the next
   * load or the service worker. Only what the browser did not take, or took while offline, is journaled.
   */
  unload(batch?: Batch, final?: boolean): void;
  /** Sends what the outbox and the unload journal hold (earlier pages, offline spells, retries due). */
  replay(): Promise<void>;
  /** The outbox dropped this batch (a bound): stop holding it, and never put it back. */
  forget(batch: Batch): void;
  /** True when no more batches should be handed over for now (backpressure): as many as may be sent at once are held. */
  busy(): boolean;
  stop(): void;
}

const approxBytes = (b: Batch) => JSON.stringify(b).length;

/** Requests in flight at once, by default: the one bound every send goes through (their bytes: KEEPALIVE_LIMIT). */
export const MAX_IN_FLIGHT = 4;

/** A batch waiting for a send slot; `go(false)` lets it go without sending (dropped or stopped). */
interface Waiter {
  bytes: number;
  replay: boolean;
  go: (send: boolean) => void;
}

/**
 * Every batch is written to the outbox before it is sent and removed once the backend answers
 * 2xx. A 408/429/5xx or a network failure leaves it there, retried with exponential backoff and
 * jitter (never sooner than `Retry-After`); other 4xx are refused for good and counted. The
 * collector drops a batch id it has seen, so replays are harmless. Every send waits for one of
 * `maxInFlight` slots (and the bytes bound), in order; a batch waiting for a slot is already in
 * the outbox, and a page hide beacons it.
 */
export function createDelivery(deps: DeliveryDeps): Delivery {
  const { transport, outbox, stats } = deps;
  const split = deps.split ?? ((b: Batch) => [b]);
  const maxInFlight = deps.maxInFlight ?? MAX_IN_FLIGHT;
  const maxInFlightBytes = deps.maxInFlightBytes ?? KEEPALIVE_LIMIT;
  // Batches this page holds (waiting for a slot or being sent): a replay must not send them too.
  const inFlight = new Set<string>();
  // The new batches among them (not replays): what `busy()` bounds, so that an outbox backlog
  // replaying after an offline spell does not stop the batcher handing over fresh batches.
  const fresh = new Set<string>();
  // Send slots: FIFO, so batches go in the order they were handed over.
  const waiting = new Map<string, Waiter>();
  let sending = 0;
  let sendingBytes = 0;
  const admit = () => {
    for (const [key, w] of waiting) {
      if (sending >= maxInFlight || (sending > 0 && sendingBytes + w.bytes > maxInFlightBytes)) return;
      waiting.delete(key);
      sending++;
      sendingBytes += w.bytes;
      w.go(true);
    }
  };
  const slot = (key: string, bytes: number, replay: boolean) =>
    new Promise<boolean>((go) => {
      waiting.set(key, { bytes, replay, go });
      admit();
    });
  const release = (bytes: number) => {
    sending--;
    sendingBytes -= bytes;
    admit();
  };
  /** Lets a waiting batch go without sending it. */
  const unwait = (key: string) => {
    const w = waiting.get(key);
    waiting.delete(key);
    w?.go(false);
  };
  // New batches not yet handed to the transport (an outbox write or a send slot away): a page
  // hide sends them by the synchronous path.
  const unsent = new Map<string, Batch>();
  // Batches this page holds for a later retry: at page hide they stay in a persistent outbox.
  const parked = new Map<string, Batch>();
  // Batches already counted in `sent` (a beacon at hide and a later replay must not count twice).
  const credited = new Set<string>();
  // Batches the outbox dropped for a bound: counted in `dropped`, never put back.
  const evicted = new Set<string>();
  const rejectedOnce = new Set<string>();
  const credit = (b: Batch) => {
    const key = keyOf(b);
    if (credited.has(key)) return;
    if (credited.size > 10_000) credited.clear();
    credited.add(key);
    stats.sent += b.events.length;
    // Dropped by the outbox's bound while its send was under way, then acknowledged after all.
    if (evicted.delete(key)) stats.dropped -= b.events.length;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const schedule = (at: number) => {
    if (stopped) return;
    const delay = Math.max(0, at - Date.now());
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      // A replay under way listed its due entries before this one came due: run another after it.
      void (replaying ? replaying.then(replay) : replay());
    }, delay);
  };

  const attempt = async (entry: OutboxEntry, replay: boolean): Promise<void> => {
    const key = keyOf(entry.batch);
    // An entry from storage is not trusted to carry a sane size.
    const bytes = typeof entry.bytes == 'number' && entry.bytes > 0 && entry.bytes < Infinity ? entry.bytes : approxBytes(entry.batch);
    inFlight.add(key);
    let held = false;
    try {
      held = await slot(key, bytes, replay);
      // Dropped by the outbox's bound, or (a new batch) taken by a beacon at page hide while it waited.
      if (!held || evicted.has(key) || (!replay && credited.has(key))) return;
      // The send lock is held until the outbox entry is updated: another tab or the service worker
      // replaying the same outbox skips the batch meanwhile, and finds it gone after a 2xx.
      const done = await withSendLock(key, async () => {
        // A new batch is checked too once its hold is over (it waited that long for a slot): another
        // context may have replayed it meanwhile, and a batch found gone was acknowledged.
        // (A batch whose outbox write failed has no hold: never true for it.)
        if ((replay || Date.now() >= entry.heldUntil!) && !(await outbox.has(entry.batch))) return false;
        // Taken by the synchronous path at a page hide while the lock was being granted.
        if (!replay && credited.has(key)) return false;
        // Only now, in the same tick as the transport takes it (its send registers the batch before
        // its first await): until then a page hide must find it here. Left earlier, a batch waiting
        // for the lock was in neither place, and a navigation in that moment lost it.
        unsent.delete(key);
        parked.delete(key);
        let outcome: Outcome;
        try {
          outcome = await transport.send(entry.batch);
        } catch (err) {
          outcome = { kind: 'retry', reason: String(err) };
        }
        // The request is over: the next batch may go while this one's outbox entry is updated.
        held = false;
        release(bytes);
        await settle(entry, outcome);
        return true;
      });
      // Another context is sending it, or sent it already: nothing to do here.
      if (done === HELD || !done) {
        unsent.delete(key);
        parked.delete(key);
        return;
      }
    } finally {
      if (held) release(bytes);
      inFlight.delete(key);
      fresh.delete(key);
      deps.onIdle();
    }
  };

  const settle = async (entry: OutboxEntry, outcome: Outcome) => {
    const key = keyOf(entry.batch);
    {
      const n = entry.batch.events.length;
      if (outcome.kind === 'handed-over') {
        // Gone by the synchronous path at page hide, which removed or journaled it.
      } else if (outcome.kind === 'ok') {
        credit(entry.batch);
        await outbox.remove(entry.batch);
      } else if (outcome.kind === 'reject') {
        stats.rejected += n;
        stats.dropped += n;
        await outbox.remove(entry.batch);
        if (!rejectedOnce.has(outcome.reason)) {
          rejectedOnce.add(outcome.reason);
          deps.onError('send', new Error(`pagepace: the endpoint refused a batch (${outcome.reason}); it is not retried`));
        }
      } else if (!evicted.has(key)) {
        stats.retried++;
        entry.attempts++;
        delete entry.heldUntil; // parked: any context may retry it when due
        entry.nextAt = Date.now() + backoffDelay(entry.attempts, deps.backoff ?? DEFAULT_BACKOFF, outcome.afterMs);
        parked.set(key, entry.batch);
        await outbox.put(entry);
        schedule(entry.nextAt);
        deps.onParked?.();
      }
    }
  };

  /** Taken by the browser at this page's hide, maybe still in the outbox (its removal is deferred). */
  const takenAtHide = new Set<string>();
  let replaying: Promise<void> | undefined;
  const replay = (): Promise<void> => {
    replaying ??= (async () => {
      try {
        if (stopped) return; // queued by the retry timer just before stop()
        // Taken by the browser at an earlier page's hide: not to be sent again.
        for (const b of sentTake()) await outbox.remove(b);
        for (const batch of journalTake().flatMap(split)) {
          if (!inFlight.has(keyOf(batch))) await outbox.put({ batch, bytes: approxBytes(batch), createdAt: batch.sentAt, attempts: 0, nextAt: 0, ...deps.target });
        }
        const now = Date.now();
        let next = Infinity;
        const due: OutboxEntry[] = [];
        for (const e of await outbox.all()) {
          if (inFlight.has(keyOf(e.batch))) continue;
          if (takenAtHide.has(keyOf(e.batch))) {
            await outbox.remove(e.batch);
            continue;
          }
          // Another page's fresh batch is that page's to send for a while (FRESH_HOLD_MS).
          const at = replayDue(e);
          if (at <= now) due.push(e);
          else next = Math.min(next, at);
        }
        // Each waits for a send slot, behind the batches handed over before it.
        if (!stopped) await Promise.all(due.map((e) => attempt(e, true)));
        if (next < Infinity) schedule(next);
      } catch (err) {
        deps.onError('outbox', err);
      } finally {
        replaying = undefined;
      }
    })();
    return replaying;
  };

  const deliverOne = async (batch: Batch) => {
    const entry: OutboxEntry = { batch, bytes: approxBytes(batch), createdAt: Date.now(), attempts: 0, nextAt: 0, heldUntil: Date.now() + FRESH_HOLD_MS, ...deps.target };
    inFlight.add(keyOf(batch));
    fresh.add(keyOf(batch));
    // Until the transport holds it, a page hide must still find it here (the outbox write may never land).
    unsent.set(keyOf(batch), batch);
    try {
      await outbox.put(entry);
    } catch (err) {
      delete entry.heldUntil; // not stored: nobody else can take it, and the check in attempt() must not look for it
      deps.onError('outbox', err);
    }
    await attempt(entry, false);
  };

  return {
    async deliver(whole) {
      await Promise.all(split(whole).map(deliverOne));
    },
    unload(whole, final = false) {
      const mine = whole ? split(whole) : [];
      const all = [...transport.drain(final), ...unsent.values()];
      unsent.clear();
      // A persistent outbox keeps the batches waiting for a retry for the next page load or the
      // service worker's sync: beaconing them at every hide would send them twice.
      if (!outbox.persistent) {
        all.push(...parked.values());
        parked.clear();
      }
      all.push(...mine);
      for (const b of all) {
        try {
          if (transport.sendNow(b) && globalThis.navigator?.onLine !== false) {
            // The browser took it: its fate is the browser's now, and sending it again on the
            // next load would put every hide-time batch on the wire twice.
            credit(b);
            takenAtHide.add(keyOf(b));
            // The open batch was never written to the outbox: nothing to remove (an IndexedDB
            // transaction after every hide, about 1 ms of main thread). A batch from the outbox is
            // removed, but not now: an IndexedDB transaction begun at pagehide hangs in WebKit and
            // blocks the outbox for the origin's next pages (journal.ts). A page that lives on (a tab
            // switch) removes it at its next task; otherwise the next load does, from the tombstone.
            if (mine.includes(b)) continue;
            sentWrite(b);
            setTimeout(() => void outbox.remove(b).then(() => sentClear(b), () => {}), 0);
          } else journalWrite(b); // refused, or queued while offline: the next load sends it
        } catch (err) {
          journalWrite(b);
          deps.onError('unload', err);
        }
      }
    },
    replay,
    forget(batch) {
      const key = keyOf(batch);
      parked.delete(key);
      unsent.delete(key);
      if (!credited.has(key)) {
        if (evicted.size > 10_000) evicted.clear();
        evicted.add(key);
      }
      unwait(key);
    },
    busy: () => fresh.size >= maxInFlight,
    stop() {
      stopped = true;
      for (const [key, w] of waiting) if (w.replay) unwait(key);
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
