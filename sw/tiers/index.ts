import type { Entry } from '../entry';
import { timeout } from '../network';
import type { Counters } from '../stats';
import type { IdbTier } from './idb';
import type { Lru } from './memory';

/** L1 and L2 seen as one cache, with per-tier stats. */
export interface TieredCache {
  /** L1, then L2 (promoting what it finds to L1). Never throws: a failure is a miss. */
  lookup(key: string): Promise<Entry | undefined>;
  /**
   * Into L1 at once, into L2 when the returned promise settles (hand it to `waitUntil`). With
   * `epoch`, nothing is stored if the cache was cleared since that epoch was read.
   */
  store(key: string, entry: Entry, epoch?: number): Promise<void>;
  /**
   * Stores the entry `read` resolves to (a response body being read) and, until then, makes a
   * `lookup` of `key` that misses L1 wait for it, at most `STORE_WAIT_MS`: the page's second request
   * for a URL whose first answer is still being copied is then a hit, not a second network fetch.
   */
  storeWhenRead(key: string, read: Promise<Entry>, epoch?: number): Promise<void>;
  /** A 304 confirmed the entry: restart its age in both tiers. */
  refresh(key: string, entry: Entry): Promise<void>;
  /** Deletes the keys passing `test` from both tiers; returns how many distinct keys went. */
  invalidate(test: (key: string) => boolean): Promise<number>;
  clear(tier: 'l1' | 'l2' | 'all'): Promise<void>;
  /** Counts clears: a response read before a clear must not be stored after it. */
  readonly epoch: number;
  l1: Lru<Entry>;
  l2: IdbTier;
}

/**
 * How long a lookup waits for a copy still being read. Bounded, as a body can be slow or never end
 * (a long poll); past it the request goes to the network as it would have without the wait.
 */
export const STORE_WAIT_MS = 250;

/** Joins the tiers. `now` is injectable so expiry can be reasoned about in one place. */
export function createTieredCache(l1: Lru<Entry>, l2: IdbTier, counters: Counters, now = () => Date.now()): TieredCache {
  const l1Put = (key: string, e: Entry) => l1.set(key, e, e.meta.size);
  let epoch = 0;
  // Keys whose copy is being read, so that a lookup meanwhile can wait for it instead of missing.
  const reading = new Map<string, Promise<unknown>>();
  const cache: TieredCache = {
    l1,
    l2,
    async lookup(key) {
      const t0 = performance.now();
      const hot = l1.get(key);
      if (hot) {
        counters.hit('l1', performance.now() - t0);
        hot.meta.lastAccess = now();
        return hot;
      }
      const pending = reading.get(key);
      if (pending) {
        await Promise.race([pending, timeout(STORE_WAIT_MS)]);
        const stored = l1.get(key);
        if (stored) {
          counters.hit('l1', performance.now() - t0);
          stored.meta.lastAccess = now();
          return stored;
        }
      }
      counters.miss('l1');
      const t1 = performance.now();
      const cold = await l2.get(key);
      if (!cold) {
        counters.miss('l2');
        return undefined;
      }
      counters.hit('l2', performance.now() - t1);
      l1Put(key, cold);
      void l2.touch(key, cold.meta, now());
      return cold;
    },
    async store(key, entry, at = epoch) {
      if (at !== epoch) return;
      l1Put(key, entry);
      await l2.put(key, entry);
    },
    storeWhenRead(key, read, at = epoch) {
      // L1 is written as soon as the body is read: the wait ends there, not after the IndexedDB write.
      const inL1 = read.then((e) => ({ l2: cache.store(key, e, at) }));
      const settled = inL1.then(() => undefined, () => undefined).then(() => {
        if (reading.get(key) === settled) reading.delete(key);
      });
      reading.set(key, settled);
      return inL1.then((s) => s.l2);
    },
    async refresh(key, entry) {
      if (!l1.has(key)) l1Put(key, entry);
      await l2.refresh(key, entry.meta, now());
    },
    async invalidate(test) {
      const keys = new Set(l1.keys().filter(test));
      for (const k of keys) l1.delete(k);
      const cold = await l2.keys((k) => test(k));
      await l2.delete(cold);
      for (const k of cold) keys.add(k);
      return keys.size;
    },
    get epoch() {
      return epoch;
    },
    async clear(tier) {
      epoch++;
      if (tier !== 'l2') l1.clear();
      if (tier !== 'l1') await l2.clear();
    },
  };
  return cache;
}
