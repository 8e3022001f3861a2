import type { Format, TransportFn } from '../core/config';
import type { PerfEvent } from '../core/types';
import { newBatch } from './envelope';
import { journalWrite } from './journal';

/** Where events go when the page is hidden before the sending side has loaded. */
export interface EarlyTarget {
  sessionId: string;
  page: string;
  endpoint?: string | undefined;
  /** The configured wire format: the early path has no encoder but JSON, which an OTLP endpoint cannot read. */
  format: Format;
  transport?: TransportFn | undefined;
}

/**
 * Page hide before the sending side's chunk has arrived (it is fetched as pagepace starts, so this
 * is a page left within a round trip of its script): nothing asynchronous can be awaited, and the
 * codec is not here, so the events go as one JSON beacon (a pagepace collector reads either;
 * `stats().jsonFallbacks` counts it), or to a custom transport. What the browser did not take, or
 * took while offline, is journaled for the next page load. With `format: 'otlp'` the journal alone
 * holds the batch: the next load's sending side sends it in the right format. (fetchLater is left
 * to the sending side: its code would cost every page view bytes for this rare case.)
 */
export function sendEarly(events: PerfEvent[], t: EarlyTarget): void {
  // One batch: past the beacon's 64 KiB the browser refuses it, and the journal keeps it.
  const batch = newBatch(t.sessionId, t.page, events);
  let taken: unknown = false;
  try {
    if (t.transport) {
      taken = t.transport({ batch, unloading: true });
      if (taken instanceof Promise) taken.catch(() => {});
    } else if (t.endpoint && t.format != 'otlp') {
      const url = new URL(t.endpoint, location.href);
      // The global's origin, not location's (opaque in a sandboxed iframe: handOver.ts).
      taken = url.origin == origin && navigator.sendBeacon(url.href, new Blob([JSON.stringify(batch)], { type: 'application/json' }));
    }
  } catch {
    // The journal holds it.
  }
  if (taken === false || !navigator.onLine) journalWrite(batch);
}
