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

/** Takes every journaled batch out of localStorage (they are the caller's to deliver now). */
export function journalTake(): Batch[] {
  const out: Batch[] = [];
  try {
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k?.startsWith(PREFIX)) keys.push(k);
    }
    for (const k of keys) {
      try {
        const b = JSON.parse(localStorage.getItem(k) ?? 'null') as Batch | null;
        if (b && typeof b.batchId === 'string' && Array.isArray(b.events)) out.push(b);
      } catch {
        // Corrupt: dropped below with the rest.
      }
      localStorage.removeItem(k);
    }
  } catch {
    // Storage blocked: nothing was journaled either.
  }
  return out;
}
