import { createStore, get, set } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';

// Model, LCP memory and learned origins live in their own database so that they never
// collide with the beacon outbox. When IndexedDB is missing, blocked or broken, the values
// live in memory for this page only: learning then simply starts over next visit.
let db: UseStore | null | undefined;
const mem = new Map<string, unknown>();

const store = (): UseStore | null => {
  if (db === undefined) {
    try {
      db = createStore('pagepace-loading', 'model');
    } catch {
      db = null;
    }
  }
  return db;
};

/** Reads a stored value; resolves undefined (never rejects) when there is none or storage fails. */
export async function load<T>(key: string): Promise<T | undefined> {
  try {
    const s = store();
    if (s) return (await get<T>(key, s)) ?? (mem.get(key) as T | undefined);
  } catch {
    // fall through to memory
  }
  return mem.get(key) as T | undefined;
}

/** Stores a value (structured-clonable); never rejects. */
export async function save(key: string, value: unknown): Promise<void> {
  mem.set(key, value);
  try {
    const s = store();
    if (s) await set(key, value, s);
  } catch {
    // memory only
  }
}

/** Keeps at most `max` keys of a record, dropping the oldest inserted first (insertion order = recency). */
export function bound<T>(rec: Record<string, T>, max: number): Record<string, T> {
  const keys = Object.keys(rec);
  for (let i = 0; i < keys.length - max; i++) delete rec[keys[i]!];
  return rec;
}

/** Sets `rec[key]`, moving the key to the newest position. */
export function touch<T>(rec: Record<string, T>, key: string, value: T): void {
  delete rec[key];
  rec[key] = value;
}
