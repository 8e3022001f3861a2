import type { Format, TransportFn } from '../core/config';
import type { PerfEvent } from '../core/types';
import { newBatch } from './envelope';
import { journalWrite } from './journal';

/** Where events go when the page is hidden before the sending side has loaded. */
export interface EarlyTarget {
  sessionId: string;
  page: string;
  /** Events per batch (the configured `batch.maxEvents`): each batch must fit a beacon. */
  maxEvents: number;
  endpoint?: string | undefined;
  /** The configured wire format: the early path can only beacon JSON, which an OTLP endpoint cannot read. */
  format: Format;
  transport?: TransportFn | undefined;
}

/**
 * Page hide before the sending side's chunk has loaded (it loads in idle time after load):
 * nothing asynchronous can be awaited, so the early events go out as they would at unload. Each
 * batch is journaled in localStorage, which the next page load replays, and beaconed as JSON
 * (same-origin endpoints) or handed to a custom transport. The collector drops whichever copy
 * comes second by its batch id. With `format: 'otlp'` (any format but binary or json) nothing is beaconed (its encoder is a
 * chunk not loaded yet, and an OTLP endpoint cannot read pagepace's JSON): the journal alone
 * holds the batch, and the next page load's sending side replays it in the right format.
 */
export function sendEarly(events: PerfEvent[], t: EarlyTarget): void {
  for (let i = 0; i < events.length; i += t.maxEvents) {
    const batch = newBatch(t.sessionId, t.page, events.slice(i, i + t.maxEvents));
    journalWrite(batch);
    try {
      if (t.transport) void Promise.resolve(t.transport({ batch, unloading: true })).catch(() => {});
      // Beaconed only to a pagepace collector (formats binary and json), which reads JSON either way.
      else if (t.endpoint && (t.format === 'binary' || t.format === 'json')) {
        const url = new URL(t.endpoint, location.href);
        if (url.origin === location.origin) navigator.sendBeacon(url.href, new Blob([JSON.stringify(batch)], { type: 'application/json' }));
      }
    } catch {
      // The journal still holds it.
    }
  }
}
