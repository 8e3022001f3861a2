import type { Batch } from '../core/types';
import { encodeJson, JSON_TYPE } from './formats/json';

/** Sends one batch; resolves true when the backend accepted it (or the browser queued it at unload). */
export type Send = (batch: Batch, unloading: boolean) => Promise<boolean>;

/** Browsers refuse keepalive/beacon bodies past 64 KiB in flight; stay under with room for headers. */
export const KEEPALIVE_LIMIT = 60_000;

/** Counters a transport keeps. */
export interface TransportStats {
  /** Bytes of request bodies handed to the network. */
  bytes: number;
  /** Requests made, by mechanism. */
  beacons: number;
  fetches: number;
}

/**
 * An HTTP transport to `endpoint`.
 *
 * While the page lives, batches go by `fetch` with `keepalive` (when within the limit): its
 * status is visible, so a failure is known. At unload they go by `sendBeacon` (same-origin,
 * within the limit), which the browser delivers after the page is gone; when the browser
 * refuses it, `fetch({ keepalive: true })` is the fallback.
 */
export function createHttpTransport(endpoint: string, stats: TransportStats): Send {
  const url = new URL(endpoint, location.href);
  const sameOrigin = url.origin === location.origin;
  return async (batch, unloading) => {
    const body = encodeJson(batch);
    const size = new Blob([body]).size;
    stats.bytes += size;
    if (unloading && sameOrigin && size <= KEEPALIVE_LIMIT && typeof navigator.sendBeacon === 'function') {
      stats.beacons++;
      if (navigator.sendBeacon(url.href, new Blob([body], { type: JSON_TYPE }))) return true;
    }
    stats.fetches++;
    const res = await fetch(url.href, {
      method: 'POST',
      body,
      headers: { 'Content-Type': JSON_TYPE },
      keepalive: size <= KEEPALIVE_LIMIT,
      credentials: sameOrigin ? 'same-origin' : 'omit',
    });
    return res.ok;
  };
}
