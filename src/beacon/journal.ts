import type { Batch } from '../core/types';

const PREFIX = 'pagepace:unload:';

/** The journal keeps at most this many bytes: it is a safety copy, not a store. */
export const JOURNAL_MAX_BYTES = 256 * 1024;

/**
 * The unload journal: at page hide nothing asynchronous can be awaited, and an IndexedDB write
 * may not land before the page is gone. localStorage writes are synchronous, so the batches sent
 * by beacon at unload are also written here, and the next page load replays them (the collector
 * drops the duplicate when the beacon did arrive). Never throws.
 */
export function journalWrite(batch: Batch): boolean {
  try {
    const value = JSON.stringify(batch);
    let used = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k?.startsWith(PREFIX)) used += localStorage.getItem(k)?.length ?? 0;
    }
    if (used + value.length > JOURNAL_MAX_BYTES) return false;
    localStorage.setItem(PREFIX + batch.sessionId + ':' + batch.batchId, value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes every localStorage entry under `prefix` out (each is removed, corrupt ones too) and returns
 * what `read` makes of their parsed values; `read` answers undefined for a value to drop.
 */
function takeAll<T>(prefix: string, read: (v: unknown) => T | undefined): T[] {
  const out: T[] = [];
  try {
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k?.startsWith(prefix)) keys.push(k);
    }
    for (const k of keys) {
      try {
        const v = read(JSON.parse(localStorage.getItem(k) ?? 'null'));
        if (v !== undefined) out.push(v);
      } catch {
        // Corrupt: removed with the rest.
      }
      localStorage.removeItem(k);
    }
  } catch {
    // Storage blocked: nothing was stored either.
  }
  return out;
}

/** Takes every journaled batch out of localStorage (they are the caller's to deliver now). */
export const journalTake = (): Batch[] =>
  takeAll(PREFIX, (v) => {
    const b = v as Batch | null;
    return b && typeof b.batchId === 'string' && Array.isArray(b.events) ? b : undefined;
  });

const SENT = 'pagepace:sent:';
/** Tombstones kept at most: each is a few dozen bytes; past it the next load may send a batch twice (the collector drops it). */
const MAX_SENT = 200;

type BatchKey = Pick<Batch, 'sessionId' | 'batchId'>;

/**
 * Notes that a batch the outbox may hold was taken by the browser at page hide, for the next load
 * to remove from the outbox before it replays. At page hide the outbox itself must not be touched:
 * an IndexedDB transaction begun in `pagehide` never completes in WebKitGTK 2.50 and blocks the
 * store for every later page of the origin (e2e/engines, "exactly once"). Never throws.
 */
export function sentWrite(b: BatchKey): void {
  try {
    let n = 0;
    for (let i = 0; i < localStorage.length; i++) if (localStorage.key(i)?.startsWith(SENT)) n++;
    if (n < MAX_SENT) localStorage.setItem(SENT + b.sessionId + ':' + b.batchId, JSON.stringify([b.sessionId, b.batchId]));
  } catch {
    // Storage blocked: the next load may send it again, and the collector drops the duplicate.
  }
}

/** Forgets a tombstone (the page lived on and removed the batch itself). Never throws. */
export function sentClear(b: BatchKey): void {
  try {
    localStorage.removeItem(SENT + b.sessionId + ':' + b.batchId);
  } catch {
    // Storage blocked.
  }
}

/** Takes every tombstone out of localStorage: batches to remove from the outbox, unsent. */
export const sentTake = (): BatchKey[] =>
  takeAll(SENT, (v) => (Array.isArray(v) && typeof v[0] == 'string' && typeof v[1] == 'string' ? { sessionId: v[0], batchId: v[1] } : undefined));
