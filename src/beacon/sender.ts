import type { ResolvedConfig } from '../core/config';
import type { Guard } from '../core/guard';
import type { Session } from '../core/ids';
import { whenIdleAfterLoad } from '../core/idle';
import type { PerfEvent } from '../core/types';
import { createEncoder } from '../worker/encoder';
import { createBatcher } from './batcher';
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
}

/** The sending side of the pipeline: batcher → delivery (outbox, retries) → transport. */
export interface Sender {
  add(e: PerfEvent): void;
  flush(unloading: boolean): Promise<void>;
  stats(): SenderStats;
  destroy(): Promise<void>;
}

/**
 * Wires the sending side for a sampled session with an endpoint or a custom transport.
 * `report` records a `dropped` event through the pipeline when a bound drops a batch.
 */
export function createSender(cfg: ResolvedConfig, session: Session, page: () => string, guard: Guard, report: (e: PerfEvent) => void): Sender {
  const transportStats: TransportStats = { bytes: {}, beacons: 0, fetches: 0 };
  const deliveryStats: DeliveryStats = { sent: 0, dropped: 0, retried: 0, rejected: 0 };
  const encoder = cfg.transport
    ? undefined
    : createEncoder({
      format: cfg.format,
      // Next to the script that loaded pagepace (rollup turns import.meta.url into the script's URL in the IIFE).
      workerUrl: cfg.worker === false ? false : cfg.worker.url ?? new URL('./pagepace.worker.js', import.meta.url).href,
      onError: (e) => guard.report('encoder', e),
    });
  const transport = cfg.transport ? createCustomTransport(cfg.transport) : createHttpTransport(cfg.endpoint!, encoder!, transportStats);
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
  const delivery = createDelivery({
    transport, outbox, stats: deliveryStats,
    onError: (feature, err) => guard.report(feature, err),
    onDropped: dropped,
    onIdle: () => batcher?.pump(),
    // Only batches for an HTTP endpoint can be replayed by the service worker (a custom transport is page code).
    ...(cfg.transport ? {} : { target: { endpoint: new URL(cfg.endpoint!, location.href).href, format: cfg.format }, onParked: requestOutboxSync }),
  });
  batcher = createBatcher({ ...cfg.batch, maxQueue: MAX_QUEUE }, {
    deliver: (b) => delivery.deliver(b),
    unload: (b) => guard.run('unload', () => delivery.unload(b)),
    busy: () => delivery.busy(),
    sessionId: session.id,
    page,
  });

  const replay = () => void delivery.replay();
  addEventListener('online', replay);
  const cancelStartReplay = whenIdleAfterLoad(replay, 2000);

  return {
    add: (e) => batcher!.add(e),
    flush: (unloading) => batcher!.flush(unloading),
    stats() {
      const b = batcher!.stats;
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
      };
    },
    async destroy() {
      removeEventListener('online', replay);
      cancelStartReplay();
      batcher!.stop();
      delivery.stop();
      await encoder?.destroy();
    },
  };
}
