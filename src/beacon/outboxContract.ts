/**
 * The outbox as pages and the service worker both see it: one definition of its database, store,
 * key, sync tag and send lock, imported by src/beacon/* and sw/outbox.ts alike.
 */

/** The IndexedDB database and store of the outbox (idb-keyval), same origin for pages and worker. */
export const OUTBOX_DB = 'pagepace-outbox';
export const OUTBOX_STORE = 'batches';

/** The Background Sync tag under which the service worker replays the outbox. */
export const OUTBOX_SYNC_TAG = 'pagepace-outbox';

/** The key a batch is stored (and locked) under: a batch id only needs to be unique within its session. */
export const outboxKey = (b: { sessionId: string; batchId: string }): string => `${b.sessionId}:${b.batchId}`;

/** What {@link withSendLock} returns when another context (tab, worker) is sending that batch now. */
export const HELD = Symbol('held');

/**
 * Runs `send` holding the batch's send lock (Web Locks, shared by every page and the service worker
 * of the origin), or returns {@link HELD} at once if another context holds it. The holder removes
 * the outbox entry before it lets go, so a context that gets the lock next and finds the entry gone
 * knows the batch was acknowledged: a batch is never sent twice at once, nor again after a 2xx.
 * Without Web Locks `send` simply runs.
 */
export async function withSendLock<T>(key: string, send: () => Promise<T>): Promise<T | typeof HELD> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks?.request) return send();
  let ran = false;
  const out = await locks.request(`pagepace-send:${key}`, { ifAvailable: true }, async (lock) => {
    if (!lock) return undefined;
    ran = true;
    return send();
  });
  return ran ? (out as T) : HELD;
}
