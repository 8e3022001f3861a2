import type { Batch } from '../core/types';
import type { Encoded, Encoder } from '../worker/encoder';

/** Sends one batch; resolves true when the backend accepted it (or the browser queued it at unload). */
export type Send = (batch: Batch, unloading: boolean) => Promise<boolean>;

/** A Send that can also hand over, synchronously, the batches it is still encoding. */
export interface Transport {
  send: Send;
  /** At page hide: sends every batch still being encoded by the synchronous path, now. */
  drain(): void;
}

/** Browsers refuse keepalive/beacon bodies past 64 KiB in flight; stay under with room for headers. */
export const KEEPALIVE_LIMIT = 60_000;

/** Counters a transport keeps. */
export interface TransportStats {
  /** Bytes of request bodies handed to the network, by media type. */
  bytes: Record<string, number>;
  /** Requests made, by mechanism. */
  beacons: number;
  fetches: number;
}

/**
 * An HTTP transport to `endpoint`.
 *
 * While the page lives, batches are encoded (off the main thread for binary) and go by `fetch`
 * with `keepalive` when within the limit: its status is visible, so a failure is known. At page
 * hide nothing waits on the encoder: batches not yet encoded are encoded synchronously and go by
 * `sendBeacon` (same-origin, within the limit), which the browser delivers after the page is gone;
 * when the browser refuses a beacon, `fetch({ keepalive: true })` is the fallback. A batch whose
 * async encoding finishes after it was drained is not sent twice.
 */
export function createHttpTransport(endpoint: string, encoder: Encoder, stats: TransportStats): Transport {
  const url = new URL(endpoint, location.href);
  const sameOrigin = url.origin === location.origin;
  const encoding = new Map<string, Batch>();

  const post = (enc: Encoded, unloading: boolean): Promise<boolean> | true => {
    const size = typeof enc.body === 'string' ? new Blob([enc.body]).size : enc.body.byteLength;
    stats.bytes[enc.type] = (stats.bytes[enc.type] ?? 0) + size;
    if (unloading && sameOrigin && size <= KEEPALIVE_LIMIT && typeof navigator.sendBeacon === 'function') {
      stats.beacons++;
      if (navigator.sendBeacon(url.href, new Blob([enc.body as BlobPart], { type: enc.type }))) return true;
    }
    stats.fetches++;
    return fetch(url.href, {
      method: 'POST',
      body: enc.body as BodyInit,
      headers: { 'Content-Type': enc.type },
      keepalive: size <= KEEPALIVE_LIMIT,
      credentials: sameOrigin ? 'same-origin' : 'omit',
    }).then((res) => res.ok);
  };

  const drain = () => {
    for (const [id, batch] of encoding) {
      encoding.delete(id);
      void post(encoder.encodeSync(batch), true);
    }
  };

  return {
    async send(batch, unloading) {
      if (unloading) {
        drain();
        return post(encoder.encodeSync(batch), true);
      }
      encoding.set(batch.batchId, batch);
      const enc = await encoder.encode(batch);
      // Drained at page hide while we waited: it has gone by the synchronous path already.
      if (!encoding.delete(batch.batchId)) return true;
      return post(enc, false);
    },
    drain,
  };
}
