import type { ResolvedConfig } from '../core/config';
import type { Guard } from '../core/guard';
import type { Lifecycle } from '../core/lifecycle';
import type { Session } from '../core/ids';
import { whenIdleAfterLoad } from '../core/idle';
import type { Attrs, Batch, PerfEvent } from '../core/types';
import { createEncoder } from '../worker/encoder';
import { createBatcher } from './batcher';
import { splitSignals } from './signals';
import { newBatch } from './envelope';
import { MAX_QUEUE } from './limits';
import type { Batcher } from './batcher';
import { createDelivery } from './delivery';
import type { DeliveryStats } from './delivery';
import { createOutbox, DEFAULT_OUTBOX_LIMITS } from './outbox';
import { requestOutboxSync } from './sync';
import { createCustomTransport, createHttpTransport } from './transport';
import type { TransportStats } from './transport';

export { MAX_QUEUE };

/** Counters of the sending side, as `stats()` shows them. */
export interface SenderStats {
  queued: number;
  sent: number;
  dropped: number;
  retried: number;
  rejected: number;
  batches: number;
  bytes: { binary: number; json: number; otlp: number };
  beacons: number;
  fetches: number;
  encoder: 'worker' | 'main-thread' | undefined;
  outbox: 'indexeddb' | 'memory' | undefined;
  /** Binary batches that went as JSON because the codec had not arrived (a hide in the first moments of a page). */
  jsonFallbacks: number;
  /** fetchLater registrations the browser accepted (the open batch as it grows, and hide-time sends). */
  deferred: number;
  /** fetchLater registrations refused (quota): the batch went by beacon or keepalive fetch. */
  deferredRefused: number;
  /** What carried the last hide-time request: `fetchLater`, `beacon` or `fetch` (keepalive). */
  unload: 'fetchLater' | 'beacon' | 'fetch' | undefined;
}

/** The sending side of the pipeline: batcher → delivery (outbox, retries) → transport. */
export interface Sender {
  add(e: PerfEvent): void;
  /** Sends what is queued; `unloading` by the synchronous path (page hide), `final` when the page is going away. */
  flush(unloading: boolean, final?: boolean): Promise<void>;
  stats(): SenderStats;
  destroy(): Promise<void>;
}

/**
 * Wires the sending side for a sampled session with an endpoint or a custom transport.
 * `report` records an event through the pipeline (a `dropped` event when a bound drops a batch,
 * the stats at hide). At every hide (the lifecycle's send phase, after every part has recorded its
 * hide-time event) the stats of every part (`allStats`, i.e. `pace.stats()`) are recorded once and
 * everything queued leaves in one request; something recorded later while hidden is sent in a microtask.
 */
export function createSender(
  cfg: ResolvedConfig, session: Session, page: () => string, guard: Guard, report: (e: PerfEvent) => void,
  life?: Pick<Lifecycle, 'onHide' | 'onShow' | 'hidden'>, allStats?: () => object & { sent: number },
): Sender {
  const transportStats: TransportStats = { bytes: {}, beacons: 0, fetches: 0, deferred: 0, deferredRefused: 0 };
  const deliveryStats: DeliveryStats = { sent: 0, dropped: 0, retried: 0, rejected: 0 };
  const encoder = cfg.transport
    ? undefined
    : createEncoder({
      format: cfg.format,
      endpoint: cfg.endpoint!,
      // Next to the script that loaded pagepace (rollup turns import.meta.url into the script's URL in the IIFE).
      workerUrl: cfg.worker === false ? false : cfg.worker.url ?? new URL('./pagepace.worker.js', import.meta.url).href,
      onError: (e) => guard.report('encoder', e),
    });
  const transport = cfg.transport ? createCustomTransport(cfg.transport) : createHttpTransport(cfg.endpoint!, encoder!, transportStats);
  // OTLP: web vitals go as logs and the rest as metrics, two requests to two URLs; every batch is
  // split by signal as it enters delivery, so each request is a batch of its own (outbox, retries,
  // journal). A custom transport gets the batch as it is.
  const split = cfg.transport || cfg.format != 'otlp' ? (b: Batch) => [b] : splitSignals;
  const dropped = (events: number, reason: string) => {
    deliveryStats.dropped += events;
    // Reported as an event of its own, so the backend learns what it did not get.
    queueMicrotask(() => report({ kind: 'pagepace', name: 'dropped', value: events, ts: Date.now(), attrs: { reason } }));
  };
  const outbox = createOutbox(DEFAULT_OUTBOX_LIMITS, (e, why) => {
    delivery.forget(e.batch);
    dropped(e.batch.events.length, `outbox-${why}`);
  }, (err) => guard.report('outbox', err));
  let batcher: Batcher | undefined;
  let final = false;
  const delivery = createDelivery({
    transport, outbox, stats: deliveryStats,
    onError: (feature, err) => guard.report(feature, err),
    onDropped: dropped,
    onIdle: () => batcher?.pump(),
    split,
    // Only batches for an HTTP endpoint can be replayed by the service worker (a custom transport is page code).
    ...(cfg.transport ? {} : { target: { endpoint: new URL(cfg.endpoint!, location.href).href, format: cfg.format }, onParked: requestOutboxSync }),
  });
  batcher = createBatcher({ ...cfg.batch, maxQueue: MAX_QUEUE }, {
    // The open batch leaves the deferred request for a live send. Had the browser sent it already
    // (it does on entering the back/forward cache), this batch holds more events than that request
    // did: a new id keeps the collector from dropping them as a duplicate.
    deliver: (b) => delivery.deliver(transport.undefer?.() ? newBatch(b.sessionId, b.page, b.events) : b),
    unload: (b) => guard.run('unload', () => delivery.unload(b, final)),
    busy: () => delivery.busy(),
    sessionId: session.id,
    page,
    changed: () => deferOpen(),
  });

  // The open batch stays registered with the browser (fetchLater) within a second of each change,
  // so a page that dies without a hide (a crash, a kill, a discard) still delivers it. Re-encoding
  // it costs about what one event's JSON does per event; it runs in idle time, at most once a burst.
  let deferTimer: ReturnType<typeof setTimeout> | undefined;
  const deferOpen = () => {
    if (!transport.defer || deferTimer !== undefined) return;
    deferTimer = setTimeout(() => {
      deferTimer = undefined;
      guard.run('deferred', () => {
        const open = batcher.peek();
        if (!open) transport.undefer!();
        else split(open).forEach((b) => transport.defer!(b));
      });
    }, 500);
  };

  let statsSent = false;
  let lateQueued = false;
  let gone = false;
  // The sender's own hide ran (or it started in a hidden page): what is recorded now is late, and
  // goes in a microtask. Records of the collect phase, before it, are not: they go with the hide.
  let hideDone = !!life?.hidden;
  // Held at a pagehide for the visibilitychange that ends the same unload: what is recorded until
  // then (in any of its listeners, between which microtasks run) goes with that visibilitychange.
  let holding = false;
  const hide = (isFinal: boolean, pending = false) => {
    lateQueued = false;
    holding = pending && !!transport.defer;
    gone ||= isFinal;
    if (!statsSent && allStats) {
      statsSent = true;
      report(statsEvent(allStats()));
    }
    hideDone = true;
    // A pagehide of a visible page: its visibilitychange (and web-vitals' INP and CLS) comes next
    // in this same unload, so send once then. Meanwhile the open batch as registered with
    // fetchLater (within 0.5 s of its last change) is what the browser sends if the page dies in
    // between. Without fetchLater, nothing is held: send now.
    if (holding) return;
    void sender.flush(true, gone);
  };
  const unsubscribe = [
    life?.onHide(guard.wrap('unload', hide), 'send'),
    life?.onShow(() => void (statsSent = gone = hideDone = holding = false)),
  ];

  const replay = () => void delivery.replay();
  addEventListener('online', replay);
  const cancelStartReplay = whenIdleAfterLoad(replay, 2000);

  const sender: Sender = {
    add(e) {
      batcher.add(e);
      // Recorded while hidden, after the hide was sent (a late callback): it may be the last chance.
      if (hideDone && !lateQueued && !holding) {
        lateQueued = true;
        queueMicrotask(() => hide(gone));
      }
    },
    flush(unloading, isFinal = false) {
      final = isFinal;
      if (unloading) {
        clearTimeout(deferTimer);
        deferTimer = undefined;
      }
      return batcher.flush(unloading);
    },
    stats() {
      const b = batcher.stats;
      return {
        queued: b.queued,
        sent: deliveryStats.sent,
        dropped: deliveryStats.dropped + b.overflow,
        retried: deliveryStats.retried,
        rejected: deliveryStats.rejected,
        batches: b.batches,
        bytes: {
          binary: transportStats.bytes.binary ?? 0,
          json: transportStats.bytes.json ?? 0,
          otlp: transportStats.bytes.otlp ?? 0,
        },
        beacons: transportStats.beacons,
        fetches: transportStats.fetches,
        encoder: encoder?.mode,
        outbox: outbox.persistent ? 'indexeddb' : 'memory',
        jsonFallbacks: encoder?.fallbacks ?? 0,
        deferred: transportStats.deferred,
        deferredRefused: transportStats.deferredRefused,
        unload: transport.mechanism,
      };
    },
    async destroy() {
      unsubscribe.forEach((u) => u?.());
      removeEventListener('online', replay);
      cancelStartReplay();
      clearTimeout(deferTimer);
      transport.undefer?.();
      batcher.stop();
      delivery.stop();
      await encoder?.destroy();
    },
  };
  return sender;
}

/** The stats as one `pagepace`/`stats` event: numeric counters flattened one level (`bytes.binary`). */
function statsEvent(s: object & { sent: number }): PerfEvent {
  const attrs: Attrs = {};
  for (const [k, v] of Object.entries(s)) {
    if (typeof v === 'number') attrs[k] = v;
    else if (v && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'number') attrs[`${k}.${k2}`] = v2;
  }
  return { kind: 'pagepace', name: 'stats', value: s.sent, ts: Date.now(), attrs };
}
