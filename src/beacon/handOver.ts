import type { DeferredSlot } from './deferred';

/** What carried a hide-time request: `fetchLater`, `beacon`, or a keepalive `fetch`. */
export type UnloadMechanism = 'fetchLater' | 'beacon' | 'fetch';

/**
 * The one way pagepace hands a request to the browser at page hide, before and after the sending
 * side has loaded: `fetchLater({ activateAfter: 0 })` where the browser has it (its own quota,
 * sent by the browser even if the page dies this instant), else `sendBeacon` (same-origin), else
 * `fetch({ keepalive: true })`. `beacon` false skips the last two (the keepalive budget is spent).
 * Returns what took it, or undefined if nothing did.
 */
export function handOver(url: URL, body: Blob, slot: DeferredSlot, beacon = true): UnloadMechanism | undefined {
  if (slot.set(body, body.type, true)) return 'fetchLater';
  if (!beacon) return undefined;
  if (url.origin === location.origin && typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(url.href, body)) return 'beacon';
  fetch(url.href, { method: 'POST', body, keepalive: true, credentials: url.origin === location.origin ? 'same-origin' : 'omit' }).catch(() => {});
  return 'fetch';
}
