/** An in-memory least-recently-used map bounded by bytes. */
export interface Lru<V> {
  /** The value, marked as most recently used; `undefined` when absent. */
  get(key: string): V | undefined;
  /** Whether the key is held, without touching its recency. */
  has(key: string): boolean;
  /**
   * Stores a value of `size` bytes, evicting the least recently used until it fits. A value larger
   * than the whole budget is not stored (it would evict everything for nothing). Returns evicted keys.
   */
  set(key: string, value: V, size: number): string[];
  delete(key: string): boolean;
  clear(): void;
  keys(): string[];
  /** Bytes held. */
  readonly bytes: number;
  /** Entries held. */
  readonly size: number;
  /** Entries evicted to make room, since creation. */
  readonly evictions: number;
}

/**
 * A byte-bounded LRU. A `Map` keeps insertion order, so re-inserting on access makes its first key
 * the least recently used: every operation is O(1) except eviction, which is O(evicted).
 */
export function createLru<V>(maxBytes: number): Lru<V> {
  const map = new Map<string, { value: V; size: number }>();
  let bytes = 0;
  let evictions = 0;
  const remove = (key: string) => {
    const e = map.get(key);
    if (!e) return false;
    map.delete(key);
    bytes -= e.size;
    return true;
  };
  return {
    get(key) {
      const e = map.get(key);
      if (!e) return undefined;
      map.delete(key);
      map.set(key, e);
      return e.value;
    },
    has: (key) => map.has(key),
    set(key, value, size) {
      remove(key);
      const evicted: string[] = [];
      if (size > maxBytes) return evicted;
      while (bytes + size > maxBytes) {
        const oldest = map.keys().next();
        if (oldest.done) break;
        remove(oldest.value);
        evicted.push(oldest.value);
        evictions++;
      }
      map.set(key, { value, size });
      bytes += size;
      return evicted;
    },
    delete: remove,
    clear() {
      map.clear();
      bytes = 0;
    },
    keys: () => [...map.keys()],
    get bytes() {
      return bytes;
    },
    get size() {
      return map.size;
    },
    get evictions() {
      return evictions;
    },
  };
}
