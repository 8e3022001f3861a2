import type { Batch } from '../core/types';
import type { Encoded, Encoder } from '../worker/encoder';
import { LATE, within } from '../core/within';
import { classify } from './retry';
import type { Outcome } from './retry';

/** Sends batches somewhere: asynchronously while the page lives, synchronously at page hide. */
export interface Transport {
  /** Encodes (off the main thread where it can) and sends; the outcome says whether to retry. */
  send(batch: Batch): Promise<Outcome>;
  /** Encodes and hands the batch to the browser now (page hide); true if the browser took it. */
  sendNow(batch: Batch): boolean;
  /** Batches still being encoded, taken back so the caller can send them synchronously. */
  drain(): Batch[];
}

/** Browsers refuse keepalive/beacon bodies past 64 KiB in flight; stay under with room for headers. */
export const KEEPALIVE_LIMIT = 60_000;

/** A send not answered within this many ms is aborted and retried. */
export const SEND_TIMEOUT_MS = 30_000;

/** Counters a transport keeps. */
export interface TransportStats {
  /** Bytes of request bodies handed to the network, by wire format. */
  bytes: Record<string, number>;
  /** Requests made, by mechanism: beacons the browser accepted, and fetches (keepalive ones at page hide included). */
  beacons: number;
  fetches: number;
}

/**
 * An HTTP transport to `endpoint`.
 *
 * While the page lives, batches are encoded (off the main thread for binary) and go by `fetch`:
 * its status is visible, so a failure is known and can be retried. `keepalive` is used while the
 * keepalive bytes in flight stay under the browser's 64 KB budget. At page hide nothing waits on
 * the encoder: `sendNow` encodes synchronously and uses `sendBeacon` (same-origin, within the
 * limit), falling back to `fetch({ keepalive: true })` when the browser refuses the beacon.
 */
export function createHttpTransport(endpoint: string, encoder: Encoder, stats: TransportStats): Transport {
  const url = new URL(endpoint, location.href);
  const sameOrigin = url.origin === location.origin;
  const encoding = new Map<string, Batch>();
  let keepaliveBytes = 0;
  // Beacons report no completion: count them as in flight for a few seconds after they were queued.
  const beacons: Array<[at: number, bytes: number]> = [];
  const beaconBytes = () => {
    const since = Date.now() - 5000;
    while (beacons.length && beacons[0]![0] < since) beacons.shift();
    return beacons.reduce((s, [, b]) => s + b, 0);
  };

  const sizeOf = (enc: Encoded) => (typeof enc.body === 'string' ? new Blob([enc.body]).size : enc.body.byteLength);
  const count = (enc: Encoded, size: number) => (stats.bytes[enc.format] = (stats.bytes[enc.format] ?? 0) + size);

  const post = async (enc: Encoded): Promise<Outcome> => {
    const size = sizeOf(enc);
    count(enc, size);
    const keepalive = keepaliveBytes + beaconBytes() + size <= KEEPALIVE_LIMIT;
    if (keepalive) keepaliveBytes += size;
    stats.fetches++;
    try {
      const res = await fetch(url.href, {
        method: 'POST',
        body: enc.body as BodyInit,
        headers: { 'Content-Type': enc.type },
        keepalive,
        credentials: sameOrigin ? 'same-origin' : 'omit',
        // An endpoint that never answers must not hold a send slot for good: it becomes a retry.
        signal: AbortSignal.timeout?.(SEND_TIMEOUT_MS),
      });
      return classify(res.status, res.headers.get('Retry-After'));
    } catch (err) {
      // fetch rejects only for network failures (offline, DNS, CORS): always worth another try.
      return { kind: 'retry', reason: String(err) };
    } finally {
      if (keepalive) keepaliveBytes -= size;
    }
  };

  return {
    async send(batch) {
      encoding.set(batch.batchId, batch);
      const enc = await encoder.encode(batch);
      // Drained at page hide while we waited: it has gone by the synchronous path already.
      if (!encoding.delete(batch.batchId)) return { kind: 'handed-over' };
      return post(enc);
    },
    sendNow(batch) {
      const enc = encoder.encodeSync(batch);
      if (!enc) return false;
      const size = sizeOf(enc);
      // Past the browser's 64 KB in-flight budget both a beacon and a keepalive fetch are refused:
      // leave it to the journal and the next page load rather than count a send that cannot happen.
      if (keepaliveBytes + beaconBytes() + size > KEEPALIVE_LIMIT) return false;
      count(enc, size);
      beacons.push([Date.now(), size]);
      // Counted by what carried it: a beacon the browser refused is no beacon, the fetch is.
      if (sameOrigin && typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(url.href, new Blob([enc.body as BlobPart], { type: enc.type }))) {
        stats.beacons++;
        return true;
      }
      stats.fetches++;
      fetch(url.href, { method: 'POST', body: enc.body as BodyInit, headers: { 'Content-Type': enc.type }, keepalive: true, credentials: sameOrigin ? 'same-origin' : 'omit' }).catch(() => {});
      return true;
    },
    drain() {
      const out = [...encoding.values()];
      encoding.clear();
      return out;
    },
  };
}

/** Adapts a user's `transport` function to the Transport contract. */
export function createCustomTransport(fn: (req: { batch: Batch; unloading: boolean }) => unknown): Transport {
  return {
    async send(batch) {
      try {
        // A transport that never settles must not hold a send slot for good: it becomes a retry.
        const r = await within(fn({ batch, unloading: false }), SEND_TIMEOUT_MS);
        return r === LATE ? { kind: 'retry', reason: `no answer in ${SEND_TIMEOUT_MS} ms` } : r === false ? { kind: 'retry', reason: 'transport returned false' } : { kind: 'ok' };
      } catch (err) {
        return { kind: 'retry', reason: String(err) };
      }
    },
    sendNow(batch) {
      try {
        const r = fn({ batch, unloading: true });
        if (r instanceof Promise) r.catch(() => {});
        return r !== false;
      } catch {
        return false;
      }
    },
    drain: () => [],
  };
}
