import { createStore, del, entries, get, set } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';
import type { Batch } from '../core/types';
import { OUTBOX_DB, OUTBOX_STORE, outboxKey as keyOf } from '../shared/swContract';
import type { OutboxEntry } from '../shared/swContract';

export type { OutboxEntry } from '../shared/swContract';
export { OUTBOX_DB, OUTBOX_STORE } from '../shared/swContract';

/** Bounds of the outbox. */
export interface OutboxLimits {
  /** Total bytes kept; past it the oldest batches are dropped. */
  maxBytes: number;
  /** A batch older than this is dropped rather than sent. */
  maxAgeMs: number;
}

/** How long one outbox operation may take before the outbox goes on in memory. */
export const IDB_TIMEOUT_MS = 5000;

/** 1 MiB and one week: room for hours of offline use, never a storage hog. */
export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxBytes: 1 << 20, maxAgeMs: 7 * 24 * 3600_000 };

/** The outbox: where every batch waits until the backend acknowledges it. */
export interface Outbox {
  put(e: OutboxEntry): Promise<void>;
  remove(batch: Pick<Batch, 'sessionId' | 'batchId'>): Promise<void>;
  /** Whether the batch is still stored (another tab or the service worker may have sent and removed it). */
  has(batch: Batch): Promise<boolean>;
  /** Every entry of this origin (other tabs' and earlier pages' included), oldest first. */
  all(): Promise<OutboxEntry[]>;
  /** Whether it is backed by IndexedDB (false: memory only, after IndexedDB failed). */
  readonly persistent: boolean;
}

/**
 * An outbox in IndexedDB (idb-keyval, its own database) that degrades to memory the first time
 * IndexedDB fails (private modes, blocked storage, a corrupt store): sending goes on, only
 * persistence across page loads is lost. Bounded in bytes and age; `onDrop` hears of every batch
 * the bounds push out.
 */
export function createOutbox(limits: OutboxLimits, onDrop: (e: OutboxEntry, why: 'bytes' | 'age') => void, onError: (err: unknown) => void): Outbox {
  let store: UseStore | undefined;
  try {
    store = typeof indexedDB === 'undefined' ? undefined : createStore(OUTBOX_DB, OUTBOX_STORE);
  } catch (err) {
    onError(err);
  }
  const memory = new Map<string, OutboxEntry>();
  // What this page knows is stored (its own entries, and those read by all()), for the byte bound.
  const known = new Map<string, OutboxEntry>();
  // Removed by this page: an all() whose read began before the delete landed must not bring them back.
  const gone = new Set<string>();

  const degrade = (err: unknown) => {
    if (store) onError(err);
    store = undefined;
  };
  const attempt = async <T>(op: (s: UseStore) => Promise<T>, fallback: () => T): Promise<T> => {
    if (store) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        // A store another context left locked (an engine's hung transaction) must not stall sending.
        return await Promise.race([op(store), new Promise<never>((_, no) => {
          timer = setTimeout(() => no(new Error(`pagepace: the IndexedDB outbox did not answer within ${IDB_TIMEOUT_MS} ms; keeping batches in memory`)), IDB_TIMEOUT_MS);
        })]);
      } catch (err) {
        degrade(err);
      } finally {
        clearTimeout(timer);
      }
    }
    return fallback();
  };

  // Puts overlap (a flush hands many batches over at once): each pass decides from what is known
  // now, and takes a batch out of `known` before any await, so no batch is dropped twice.
  const enforce = async () => {
    let total = 0;
    for (const e of known.values()) total += e.bytes;
    const drop: OutboxEntry[] = [];
    for (const e of [...known.values()].sort((a, b) => a.createdAt - b.createdAt)) {
      if (total <= limits.maxBytes) break;
      total -= e.bytes;
      // Out of `known` and into `gone` at once: an all() resolving during the awaits below must
      // not bring it back for another pass to drop again.
      const key = keyOf(e.batch);
      known.delete(key);
      if (gone.size >= 10_000) gone.clear();
      gone.add(key);
      drop.push(e);
    }
    for (const e of drop) {
      onDrop(e, 'bytes');
      await remove(e.batch);
    }
  };

  const remove = async (batch: Pick<Batch, 'sessionId' | 'batchId'>) => {
    const key = keyOf(batch);
    known.delete(key);
    memory.delete(key);
    if (gone.size >= 10_000) gone.clear();
    gone.add(key);
    await attempt((s) => del(key, s), () => undefined);
  };

  return {
    async put(e) {
      const key = keyOf(e.batch);
      gone.delete(key);
      known.set(key, e);
      await attempt((s) => set(key, e, s), () => void memory.set(key, e));
      await enforce();
    },
    remove,
    async has(batch) {
      const key = keyOf(batch);
      if (gone.has(key)) return false;
      return attempt(async (s) => (await get(key, s)) !== undefined, () => memory.has(key));
    },
    async all() {
      const now = Date.now();
      const list = await attempt(async (s) => (await entries<string, OutboxEntry>(s)).map(([, e]) => e), () => [...memory.values()]);
      const fresh: OutboxEntry[] = [];
      for (const e of list) {
        // A corrupt entry is skipped, not trusted: it cannot be sent as a batch.
        if (!e || typeof e !== 'object' || !e.batch || !Array.isArray(e.batch.events)) continue;
        if (gone.has(keyOf(e.batch))) continue;
        if (now - e.createdAt > limits.maxAgeMs) {
          await remove(e.batch);
          onDrop(e, 'age');
          continue;
        }
        known.set(keyOf(e.batch), e);
        fresh.push(e);
      }
      await enforce();
      return fresh.filter((e) => known.has(keyOf(e.batch))).sort((a, b) => a.createdAt - b.createdAt);
    },
    get persistent() {
      return !!store;
    },
  };
}
