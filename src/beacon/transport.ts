import type { Batch } from '../core/types';
import type { Encoded, Encoder } from '../worker/encoder';
import { LATE, within } from '../core/within';
import { classify } from './retry';
import type { Outcome } from './retry';
import { createDeferredSlot } from './deferred';
import type { DeferredSlot } from './deferred';
import { handOver } from './handOver';
import type { UnloadMechanism } from './handOver';

/** Sends batches somewhere: asynchronously while the page lives, synchronously at page hide. */
export interface Transport {
  /** Encodes (off the main thread where it can) and sends; the outcome says whether to retry. */
  send(batch: Batch): Promise<Outcome>;
  /** Encodes and hands the batch to the browser now (page hide); true if the browser took it. */
  sendNow(batch: Batch): boolean;
  /**
   * Batches still being encoded, taken back so the caller can send them synchronously; with
   * `final` (the page is going away) also the live sends under way, aborted: the browser would
   * cancel them with the page, since live sends do not use keepalive.
   */
  drain(final?: boolean): Batch[];
  /**
   * Keeps `batch` (the open batch) registered with the browser as a deferred request, in place of
   * the last one to the same URL, so that it is sent if the page dies; false where that cannot be done.
   */
  defer?(batch: Batch): boolean;
  /** Withdraws the deferred requests; true if the browser had sent one already. */
  undefer?(): boolean;
  /** How the hide-time batches went, for `stats().unload`. */
  readonly mechanism?: UnloadMechanism | undefined;
}

export type { UnloadMechanism };

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
  /** fetchLater registrations accepted (the open batch, replaced as events arrive, and hide-time sends) and refused. */
  deferred: number;
  deferredRefused: number;
}

/**
 * An HTTP transport to `endpoint`.
 *
 * While the page lives, batches are encoded in idle time and go by `fetch` without `keepalive`:
 * its status is visible, so a failure is known and retried, and the browser's 64 KB keepalive
 * budget stays the host page's. At page hide nothing waits: `sendNow` encodes synchronously and
 * hands the body to the browser by `fetchLater({ activateAfter: 0 })` where it exists (its own
 * quota), else `sendBeacon` (same-origin), else `fetch({ keepalive: true })`. Where `fetchLater`
 * exists the open batch is also kept registered as a deferred request (`defer`), so a crash, a
 * discard or a kill without a hide still delivers it. A body whose encoding names its own URL
 * (OTLP: `/v1/metrics` or `/v1/logs` beside the endpoint) goes there, with a deferred request of
 * its own per URL.
 */
export function createHttpTransport(endpoint: string, encoder: Encoder, stats: TransportStats): Transport {
  const url = new URL(endpoint, location.href);
  const sameOrigin = url.origin == origin; // the global's origin, opaque in a sandboxed iframe (handOver.ts)
  const credentials: RequestCredentials = sameOrigin ? 'same-origin' : 'omit';
  const encoding = new Map<string, Batch>();
  const posting = new Map<string, [Batch, AbortController]>();
  // One deferred request per URL: with OTLP the open batch may be two, its metrics and its logs.
  const slots: Record<string, DeferredSlot> = {};
  const slotFor = (to: string) => (slots[to] ??= createDeferredSlot(to, credentials, stats));
  const target = (enc: Encoded) => enc.url ?? url.href;
  let mechanism: UnloadMechanism | undefined;
  // Beacons report no completion: count them as in flight for a few seconds after they were queued.
  const beacons: Array<[at: number, bytes: number]> = [];
  const beaconBytes = () => {
    const since = Date.now() - 5000;
    while (beacons.length && beacons[0]![0] < since) beacons.shift();
    return beacons.reduce((s, [, b]) => s + b, 0);
  };

  const sizeOf = (enc: Encoded) => (typeof enc.body === 'string' ? new Blob([enc.body]).size : enc.body.byteLength);
  const count = (enc: Encoded, size: number) => (stats.bytes[enc.format] = (stats.bytes[enc.format] ?? 0) + size);

  const post = async (batch: Batch, enc: Encoded): Promise<Outcome> => {
    count(enc, sizeOf(enc));
    stats.fetches++;
    const abort = new AbortController();
    posting.set(batch.batchId, [batch, abort]);
    // An endpoint that never answers must not hold a send slot for good: it becomes a retry.
    const timer = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
    try {
      const res = await fetch(target(enc), { method: 'POST', body: enc.body as BodyInit, headers: { 'Content-Type': enc.type }, credentials, signal: abort.signal });
      return classify(res.status, res.headers.get('Retry-After'));
    } catch (err) {
      // Taken back at page hide and sent by the synchronous path.
      if (!posting.has(batch.batchId)) return { kind: 'handed-over' };
      // fetch rejects only for network failures (offline, DNS, CORS) and our timeout: worth another try.
      return { kind: 'retry', reason: String(err) };
    } finally {
      clearTimeout(timer);
      posting.delete(batch.batchId);
    }
  };

  return {
    async send(batch) {
      encoding.set(batch.batchId, batch);
      const enc = await encoder.encode(batch);
      // Drained at page hide while we waited: it has gone by the synchronous path already.
      if (!encoding.delete(batch.batchId)) return { kind: 'handed-over' };
      return post(batch, enc);
    },
    sendNow(batch) {
      const enc = encoder.encodeSync(batch);
      if (!enc) return false;
      const size = sizeOf(enc);
      // Past the browser's 64 KB in-flight budget both a beacon and a keepalive fetch are refused:
      // leave it to the journal and the next page load rather than count a send that cannot happen.
      const to = target(enc);
      const how = handOver(new URL(to), enc, slotFor(to), beaconBytes() + size <= KEEPALIVE_LIMIT);
      if (!how) return false;
      count(enc, size);
      mechanism = how;
      // Counted by what carried it: a beacon the browser refused is no beacon, the fetch is.
      if (how === 'beacon') stats.beacons++;
      if (how === 'fetch') stats.fetches++;
      if (how !== 'fetchLater') beacons.push([Date.now(), size]);
      return true;
    },
    drain(final = false) {
      const out = [...encoding.values()];
      encoding.clear();
      if (final) {
        const live = [...posting.values()];
        posting.clear();
        for (const [b, abort] of live) {
          out.push(b);
          abort.abort();
        }
      }
      return out;
    },
    defer(batch) {
      const enc = encoder.encodeSync(batch);
      return !!enc && slotFor(target(enc)).set(enc.body as BodyInit, enc.type);
    },
    // Every slot is cleared: no short cut past the first that had gone.
    undefer: () => Object.values(slots).map((s) => s.clear()).includes(true),
    get mechanism() {
      return mechanism;
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
