import { createStore, del, entries, get } from 'idb-keyval';
import { HELD, isRetryableStatus, OUTBOX_DB, OUTBOX_STORE, withSendLock } from '../src/shared/swContract';
import type { OutboxEntry } from '../src/shared/swContract';

export { OUTBOX_SYNC_TAG } from '../src/shared/swContract';

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
 * else leaves it for the next replay (a page's, or the next sync). Each send holds the batch's
 * send lock, shared with the pages: a batch a page is sending now is skipped, and one found gone
 * once the lock is held was acknowledged already, so it is not sent again. A batch a page wrote
 * moments ago (`heldUntil`) is that page's to send: left alone, and not a failure of the sync.
 */
export async function replayOutbox(): Promise<OutboxReplay> {
  const store = createStore(OUTBOX_DB, OUTBOX_STORE);
  const out: OutboxReplay = { sent: 0, refused: 0, failed: 0 };
  for (const [key, e] of await entries<string, Partial<OutboxEntry> | undefined>(store)) {
    if (!e || !e.endpoint || e.format === 'otlp' || !e.batch || !Array.isArray(e.batch.events)) continue;
    if (e.heldUntil! > Date.now()) continue; // false for a missing or odd value: the batch is replayed
    const endpoint = e.endpoint;
    const body = JSON.stringify(e.batch);
    const r = await withSendLock(key, async () => {
      if ((await get(key, store)) === undefined) return;
      try {
        const res = await fetch(endpoint, { method: 'POST', body, headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin' });
        if (!isRetryableStatus(res.status)) {
          await del(key, store);
          if (res.ok) out.sent++;
          else out.refused++;
        } else out.failed++;
      } catch {
        out.failed++;
      }
    });
    if (r === HELD) out.failed++; // a page is sending it: the sync is tried again if that fails
  }
  return out;
}
