import { createStore, del, entries } from 'idb-keyval';

/** The part of the page's outbox entry (src/beacon/outbox.ts) the worker reads. */
interface OutboxEntry {
  batch: { events: unknown[] };
  endpoint?: string;
  format?: 'binary' | 'json' | 'otlp';
}

// The page's outbox (src/beacon/outbox.ts): same origin, so the same database.
const OUTBOX_DB = 'pagepace-outbox';
const OUTBOX_STORE = 'batches';
/** The Background Sync tag the page registers (src/beacon/sync.ts). */
export const OUTBOX_SYNC_TAG = 'pagepace-outbox';

/** What happened to the outbox in one replay. */
export interface OutboxReplay {
  sent: number;
  refused: number;
  failed: number;
}

/**
 * Sends every batch the pages left in the outbox to its endpoint as JSON (which pagepace's
 * collector reads whatever format the page used). OTLP batches are left to the pages' own replay:
 * the worker stays free of the encoders. A 2xx or a non-retryable 4xx removes a batch; anything
 * else leaves it for the next replay (a page's, or the next sync). The collector drops a batch id
 * it has already seen, so racing a page's own replay is harmless.
 */
export async function replayOutbox(): Promise<OutboxReplay> {
  const store = createStore(OUTBOX_DB, OUTBOX_STORE);
  const out: OutboxReplay = { sent: 0, refused: 0, failed: 0 };
  for (const [key, e] of await entries<IDBValidKey, OutboxEntry>(store)) {
    if (!e || !e.endpoint || e.format === 'otlp' || !e.batch || !Array.isArray(e.batch.events)) continue;
    const body = JSON.stringify(e.batch);
    try {
      const res = await fetch(e.endpoint, { method: 'POST', body, headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin' });
      const retry = res.status === 408 || res.status === 429 || res.status >= 500;
      if (!retry) {
        await del(key, store);
        res.ok ? out.sent++ : out.refused++;
      } else out.failed++;
    } catch {
      out.failed++;
    }
  }
  return out;
}
