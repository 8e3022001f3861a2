import { fail } from '../core/errors';
import type { Batch } from '../core/types';

/**
 * What {@link ClaimStore.claim} found:
 * - `claimed` — nobody had the key: it is now ours, deliver the batch.
 * - `delivered` — the batch was delivered before: answer it as a duplicate.
 * - `in-flight` — another collector holds the claim and has not finished:
 *   neither deliver nor acknowledge (the collector answers 503, the browser retries).
 */
export type ClaimOutcome = 'claimed' | 'delivered' | 'in-flight';

/**
 * Where collectors record which batches were delivered, so a retried batch
 * reaches `onBatch` once, also across processes.
 *
 * The one operation that matters is {@link ClaimStore.claim}: "claim this key,
 * or tell me it was claimed", atomically (Redis `SET NX`, a unique index).
 * Checking then writing (`has` then `add`) is not enough: two collectors that
 * receive the same batch at the same moment would both see "not seen".
 *
 * A claim is a lease until confirmed: if the process dies while `onBatch`
 * runs, the lease expires and the browser's retry delivers the batch (a
 * possible duplicate, never a loss). {@link ClaimStore.confirm} turns it into
 * "delivered" for the store's retention; {@link ClaimStore.release} drops it
 * when `onBatch` failed, so the retry is delivered at once.
 *
 * Methods may return promises. A method that throws or rejects makes the
 * collector answer 503 without delivering: without the store it cannot know
 * whether the batch is new, and delivering anyway could deliver it twice.
 */
export interface ClaimStore {
  /** Atomically claims `key`, or reports that it is delivered or claimed by someone else. */
  claim(key: string): ClaimOutcome | Promise<ClaimOutcome>;
  /** `onBatch` resolved for a key this store claimed: remember it as delivered. */
  confirm(key: string): void | Promise<void>;
  /** `onBatch` failed for a key this store claimed: forget the claim so a retry is delivered. */
  release(key: string): void | Promise<void>;
}

/**
 * The store shape before {@link ClaimStore} (pagepace 0.1): still accepted by
 * `createCollector` and adapted by {@link claimsOf}. Its check-then-write is
 * only race-free within one process (the collector serialises a key there);
 * two processes sharing it can both deliver a batch they receive at the same
 * moment. Prefer a {@link ClaimStore}, e.g. `createRedisDedupe`.
 *
 * @deprecated Implement {@link ClaimStore} instead.
 */
export interface DedupeStore {
  /** Whether `key` was delivered before. */
  has(key: string): boolean | Promise<boolean>;
  /** Records that `key` was delivered. */
  add(key: string): void | Promise<void>;
}

/** How many batch keys {@link MemoryDedupe} keeps by default (about 1–2 MB of strings). */
export const DEFAULT_DEDUPE_ENTRIES = 10_000;

/**
 * The key a batch is remembered by: its session id and batch id together,
 * because a batch id only needs to be unique within its session.
 */
export function dedupeKey(batch: Pick<Batch, 'sessionId' | 'batchId'>): string {
  // Length-prefixing keeps ("ab","c") and ("a","bc") apart without escaping.
  return `${batch.sessionId.length}:${batch.sessionId}${batch.batchId}`;
}

const PENDING = 0;
const DONE = 1;

/**
 * The embedded default: an in-process least-recently-used map of batch keys,
 * for one collector process. Browsers retry within minutes (backoff, next
 * page load, outbox replay), so the most recent ids are the ones that matter;
 * when full, the least recently seen is forgotten, and a batch retried after
 * that would be delivered twice. For several processes use a shared store
 * (`createRedisDedupe`).
 *
 * Implements both {@link ClaimStore} and the older {@link DedupeStore}.
 */
export class MemoryDedupe implements ClaimStore, DedupeStore {
  readonly #keys = new Map<string, typeof PENDING | typeof DONE>();
  readonly #max: number;

  /** @param maxEntries - keys to remember; default {@link DEFAULT_DEDUPE_ENTRIES}. */
  constructor(maxEntries: number = DEFAULT_DEDUPE_ENTRIES) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) fail('dedupe', maxEntries, 'a positive integer (the number of batch keys to remember)');
    this.#max = maxEntries;
  }

  /** How many keys are remembered now (claims in progress included). */
  get size(): number {
    return this.#keys.size;
  }

  /** Claims `key` unless it is delivered (a hit makes it the most recent: a batch retried once is likely retried again) or claimed. */
  claim(key: string): ClaimOutcome {
    const state = this.#keys.get(key);
    if (state === PENDING) return 'in-flight';
    this.#set(key, state === DONE ? DONE : PENDING);
    return state === DONE ? 'delivered' : 'claimed';
  }

  /** Records `key` as delivered. */
  confirm(key: string): void {
    this.#set(key, DONE);
  }

  /** Forgets a claim that was not delivered; a delivered key stays. */
  release(key: string): void {
    if (this.#keys.get(key) === PENDING) this.#keys.delete(key);
  }

  /** Whether `key` was delivered. */
  has(key: string): boolean {
    if (this.#keys.get(key) !== DONE) return false;
    this.#set(key, DONE);
    return true;
  }

  /** Records `key` as delivered (same as {@link MemoryDedupe.confirm}). */
  add(key: string): void {
    this.#set(key, DONE);
  }

  #set(key: string, state: typeof PENDING | typeof DONE): void {
    this.#keys.delete(key);
    this.#keys.set(key, state);
    // Map iterates in insertion order, so the first key is the least recent.
    while (this.#keys.size > this.#max) {
      const oldest = this.#keys.keys().next();
      if (oldest.done) break;
      this.#keys.delete(oldest.value);
    }
  }
}

/** Whether `store` has the {@link ClaimStore} methods. */
export function isClaimStore(store: unknown): store is ClaimStore {
  const s = store as Partial<ClaimStore> | null;
  return typeof s === 'object' && s !== null && typeof s.claim === 'function' && typeof s.confirm === 'function' && typeof s.release === 'function';
}

/** Whether `store` has the older {@link DedupeStore} methods. */
function isLegacyStore(store: unknown): store is DedupeStore {
  const s = store as Partial<DedupeStore> | null;
  return typeof s === 'object' && s !== null && typeof s.has === 'function' && typeof s.add === 'function';
}

/**
 * A {@link ClaimStore} over either shape: a claim store as it is, a
 * `has`/`add` store adapted (claim = `has`, confirm = `add`, release = nothing
 * to undo). The adaptation is atomic only within one process.
 *
 * @throws PagePaceError when `store` is neither.
 */
export function claimsOf(store: ClaimStore | DedupeStore): ClaimStore {
  if (isClaimStore(store)) return store;
  if (!isLegacyStore(store)) fail('dedupe', store, 'a boolean, a positive integer, or a store with claim(), confirm() and release() (or the older has() and add())');
  return {
    claim: async (key) => ((await store.has(key)) ? 'delivered' : 'claimed'),
    confirm: (key) => store.add(key),
    release: () => {},
  };
}
