import type { DeferredSlot } from './deferred';

/** What carried a hide-time request: `fetchLater`, `beacon`, or a keepalive `fetch`. */
export type UnloadMechanism = 'fetchLater' | 'beacon' | 'fetch';

/**
 * The one way pagepace hands a request to the browser at page hide, before and after the sending
 * side has loaded: `fetchLater({ activateAfter: 0 })` where the browser has it (its own quota,
 * sent by the browser even if the page dies this instant), else `sendBeacon` (same-origin), else
 * `fetch({ keepalive: true })`. `beacon` false skips the last two (the keepalive budget is spent).
 * Returns what took it, or undefined if nothing did.
 *
 * fetchLater gets the bytes as they are (it copies them; the type goes as a header): wrapping them
 * in a Blob first made a page's first fetchLater of 1.2 KB cost 4.1 instead of 2.3 ms of main
 * thread (Chromium 150, unthrottled, median of 12 pages), and a hide 19.1 instead of 17.3 ms
 * (25 interleaved pages). A beacon needs the Blob for its Content-Type: `enc` is its options.
 */
export function handOver(url: URL, enc: { body: Uint8Array | string; type: string }, slot: DeferredSlot, beacon = true): UnloadMechanism | undefined {
  if (slot.set(enc.body as BodyInit, enc.type, true)) return 'fetchLater';
  if (!beacon) return undefined;
  const body = new Blob([enc.body as BlobPart], enc);
  // The global's `origin`, not `location.origin`: in a sandboxed iframe (an opaque origin) the
  // latter still names the URL's origin, and a beacon then needs a preflight for its type, after
  // which Firefox 140 and WebKitGTK 2.50 never sent the POST (e2e/engines, "script tag from another origin").
  const same = url.origin == origin;
  if (same && typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(url.href, body)) return 'beacon';
  fetch(url.href, { method: 'POST', body, keepalive: true, credentials: same ? 'same-origin' : 'omit' }).catch(() => {});
  return 'fetch';
}
