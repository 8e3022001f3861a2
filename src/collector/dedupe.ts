import type { Batch } from '../core/types';

/**
 * Remembers which batches were delivered, so a retried batch is answered 204
 * without reaching `onBatch` again. Methods may be async, so a store shared by
 * several collector processes (Redis, a database) can be plugged in.
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

/**
 * An in-process least-recently-used set of batch keys. Browsers retry within
 * minutes (backoff, next page load, outbox replay), so the most recent ids
 * are the ones that matter; when full, the least recently seen is forgotten,
 * and a batch retried after that would be delivered twice.
 */
export class MemoryDedupe implements DedupeStore {
  readonly #keys = new Map<string, true>();
  readonly #max: number;

  /** @param maxEntries - keys to remember; default {@link DEFAULT_DEDUPE_ENTRIES}. */
  constructor(maxEntries: number = DEFAULT_DEDUPE_ENTRIES) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer; received ${maxEntries}`);
    this.#max = maxEntries;
  }

  /** How many keys are remembered now. */
  get size(): number {
    return this.#keys.size;
  }

  /** Whether `key` is remembered; a hit makes it the most recent, since a batch retried once is likely retried again. */
  has(key: string): boolean {
    if (!this.#keys.has(key)) return false;
    this.#keys.delete(key);
    this.#keys.set(key, true);
    return true;
  }

  /** Remembers `key`, forgetting the least recent key when full. */
  add(key: string): void {
    this.#keys.delete(key);
    this.#keys.set(key, true);
    // Map iterates in insertion order, so the first key is the least recent.
    while (this.#keys.size > this.#max) {
      const oldest = this.#keys.keys().next();
      if (oldest.done) break;
      this.#keys.delete(oldest.value);
    }
  }
}
