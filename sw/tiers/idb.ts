import { createStore, promisifyRequest } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';
import { SW_DB, SW_STORE } from '../../src/shared/swContract';
import { isEntry } from '../entry';
import type { Entry, Meta } from '../entry';

/** L2: responses in IndexedDB, LRU-evicted by bytes within a budget that respects the origin's quota. */
export interface IdbTier {
  /** The entry, or `undefined` for a miss — a missing, partial or corrupt entry is a miss, never an error. */
  get(key: string): Promise<Entry | undefined>;
  /** Stores an entry, evicting LRU entries to make room; `false` when it could not be stored. */
  put(key: string, entry: Entry): Promise<boolean>;
  /** Records a use for LRU (written lazily: at most once a minute per entry). */
  touch(key: string, meta: Meta, now: number): Promise<void>;
  /** Marks an entry as just confirmed by a 304. */
  refresh(key: string, meta: Meta, now: number): Promise<void>;
  delete(keys: string[]): Promise<void>;
  /** Keys whose URL passes `test`. */
  keys(test?: (key: string, meta: Meta) => boolean): Promise<string[]>;
  clear(): Promise<void>;
  /** Bytes, entries, evictions, quota errors and the current budget. */
  stats(): Promise<{ bytes: number; entries: number; evictions: number; quotaErrors: number; budget: number }>;
}

interface IndexRow {
  size: number;
  lastAccess: number;
  pinned: boolean;
}

// Meta and body live under separate keys so that the LRU index is built from metas alone.
const M = 'm:';
const B = 'b:';
const TOUCH_EVERY_MS = 60_000;
const ESTIMATE_EVERY_MS = 30_000;
const RELEARN_AFTER_MS = 5 * 60_000;

const isQuotaError = (e: unknown) => e instanceof DOMException && (e.name === 'QuotaExceededError' || e.code === 22);

/**
 * Creates L2 over its own idb-keyval store. `maxBytes` is the configured ceiling; the effective budget
 * also stays a margin below what `navigator.storage.estimate()` says is free for the origin.
 */
export function createIdbTier(maxBytes: number, dbName = SW_DB): IdbTier {
  const store: UseStore = createStore(dbName, SW_STORE);
  let index: Map<string, IndexRow> | undefined;
  let loading: Promise<Map<string, IndexRow>> | undefined;
  let total = 0;
  let evictions = 0;
  let quotaErrors = 0;
  let budget = maxBytes;
  let estimatedAt = -Infinity;
  // Writes are serialised: concurrent evict-then-write sequences would each believe the room is theirs.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const loadIndex = () => (loading ??= (async () => {
    const [keys, metas] = await store('readonly', (s) => {
      const range = IDBKeyRange.bound(M, `${M}\uffff`);
      return Promise.all([promisifyRequest(s.getAllKeys(range)), promisifyRequest(s.getAll(range))]);
    });
    const map = new Map<string, IndexRow>();
    total = 0;
    keys.forEach((k, i) => {
      const m = metas[i] as Partial<Meta> | undefined;
      if (typeof k !== 'string' || typeof m?.size !== 'number') return;
      map.set(k.slice(M.length), { size: m.size, lastAccess: m.lastAccess ?? 0, pinned: !!m.pinned });
      total += m.size;
    });
    index = map;
    return map;
  })().catch((e) => {
    loading = undefined;
    throw e;
  }));

  // What quota errors taught us: the bytes we could hold when a write failed. Chromium's estimate() can
  // disagree with the quota actually enforced (e.g. under an override), so errors are the last word.
  let learned = Infinity;
  let learnedAt = 0;
  const refreshBudget = async (force = false) => {
    const now = Date.now();
    if (now - learnedAt > RELEARN_AFTER_MS) learned = Infinity;
    if (!force && now - estimatedAt < ESTIMATE_EVERY_MS) return Math.min(budget, learned);
    estimatedAt = now;
    budget = maxBytes;
    try {
      const { quota, usage } = await navigator.storage.estimate();
      if (quota !== undefined && usage !== undefined) {
        // What we hold plus what is free, minus a tenth of the quota for everything else the origin stores.
        budget = Math.max(0, Math.min(maxBytes, total + (quota - usage) - quota * 0.1));
      }
    } catch {
      // No estimate: the configured ceiling and what quota errors taught us.
    }
    return Math.min(budget, learned);
  };

  const remove = async (keys: string[]) => {
    if (!keys.length) return;
    await store('readwrite', (s) => {
      for (const k of keys) {
        s.delete(M + k);
        s.delete(B + k);
      }
      return promisifyRequest(s.transaction);
    });
    for (const k of keys) {
      const row = index?.get(k);
      if (row) total -= row.size;
      index?.delete(k);
    }
  };

  /** Evicts least recently used unpinned entries until `need` more bytes fit under `limit`. */
  const evict = async (need: number, limit: number, protect?: string) => {
    const map = await loadIndex();
    if (total + need <= limit) return;
    const victims: string[] = [];
    let freed = 0;
    const order = [...map].filter(([k, r]) => !r.pinned && k !== protect).sort((a, b) => a[1].lastAccess - b[1].lastAccess);
    for (const [k, r] of order) {
      if (total - freed + need <= limit) break;
      victims.push(k);
      freed += r.size;
    }
    await remove(victims);
    evictions += victims.length;
  };

  const write = (key: string, entry: Entry) => store('readwrite', (s) => {
    s.put(entry.meta, M + key);
    s.put(entry.body, B + key);
    return promisifyRequest(s.transaction);
  });

  // Reads that arrive while one is in flight share the next transaction. A worker the browser had
  // stopped is asked for every asset of the page at once, while its database is still opening: one
  // transaction each queued dozens behind the open. The first read never waits for company.
  let wanted: Array<[key: string, give: (values: Promise<unknown[]>) => void]> = [];
  let inFlight = false;
  const readQueued = (): void => {
    const batch = wanted;
    wanted = [];
    inFlight = true;
    const all = store('readonly', (s) => Promise.all(batch.flatMap(([k]) => [M + k, B + k]).map((k) => promisifyRequest<unknown>(s.get(k)))));
    batch.forEach(([, give], i) => give(all.then((v) => v.slice(2 * i, 2 * i + 2))));
    void all.catch(() => 0).then(() => {
      inFlight = false;
      if (wanted.length) readQueued();
    });
  };
  const read = (key: string) => new Promise<unknown[]>((give) => {
    wanted.push([key, give]);
    if (!inFlight) readQueued();
  });

  const writeMeta = (key: string, meta: Meta) => store('readwrite', (s) => {
    s.put(meta, M + key);
    return promisifyRequest(s.transaction);
  }).catch(() => undefined);

  return {
    async get(key) {
      try {
        const [meta, body] = await read(key);
        if (meta === undefined && body === undefined) return undefined;
        if (!isEntry(meta, body)) {
          void serial(() => remove([key])).catch(() => undefined);
          return undefined;
        }
        return { meta: meta as Meta, body: body as ArrayBuffer };
      } catch {
        return undefined;
      }
    },

    put: (key, entry) => serial(async () => {
      const size = entry.meta.size;
      try {
        const map = await loadIndex();
        const limit = await refreshBudget();
        if (size > limit) return false;
        const old = map.get(key);
        if (old) total -= old.size;
        map.delete(key);
        await evict(size, limit, key);
        for (let attempt = 0; ; attempt++) {
          try {
            await write(key, entry);
            break;
          } catch (e) {
            if (!isQuotaError(e)) throw e;
            quotaErrors++;
            // Never a wipe: lower the ceiling to a tenth under what we held, evict LRU entries down to
            // it (plus room for this entry), and retry once. Failing again after that eviction means
            // the engine has not given the deleted space back yet (Chromium 150's IndexedDB returns it
            // only when its LevelDB compacts): evicting more would drain L2 for writes that fail
            // anyway, so it keeps what it holds and stores nothing new (a ceiling of 0) until it relearns.
            learned = attempt ? 0 : Math.floor(total * 0.9);
            learnedAt = Date.now();
            if (size > learned) throw e;
            await evict(size, learned, key);
          }
        }
        map.set(key, { size, lastAccess: entry.meta.lastAccess, pinned: !!entry.meta.pinned });
        total += size;
        return true;
      } catch {
        // The old version of this entry may still be stored, untracked now: drop it too.
        await remove([key]).catch(() => undefined);
        return false;
      }
    }),

    async touch(key, meta, now) {
      const row = index?.get(key);
      if (row) row.lastAccess = now;
      if (now - meta.lastAccess < TOUCH_EVERY_MS) return;
      meta.lastAccess = now;
      await writeMeta(key, meta);
    },

    async refresh(key, meta, now) {
      meta.storedAt = now;
      meta.lastAccess = now;
      const row = index?.get(key);
      if (row) row.lastAccess = now;
      await writeMeta(key, meta);
    },

    delete: (keys) => serial(() => remove(keys)).catch(() => undefined),

    async keys(test) {
      try {
        const [keys, metas] = await store('readonly', (s) => {
          const range = IDBKeyRange.bound(M, `${M}\uffff`);
          return Promise.all([promisifyRequest(s.getAllKeys(range)), promisifyRequest(s.getAll(range))]);
        });
        const out: string[] = [];
        keys.forEach((k, i) => {
          if (typeof k !== 'string') return;
          const key = k.slice(M.length);
          if (!test || test(key, metas[i] as Meta)) out.push(key);
        });
        return out;
      } catch {
        return [];
      }
    },

    clear: () => serial(async () => {
      await store('readwrite', (s) => {
        s.clear();
        return promisifyRequest(s.transaction);
      });
      index = new Map();
      loading = Promise.resolve(index);
      total = 0;
    }).catch(() => undefined),

    async stats() {
      try {
        const map = await loadIndex();
        await refreshBudget();
        return { bytes: total, entries: map.size, evictions, quotaErrors, budget: Math.min(budget, learned) };
      } catch {
        return { bytes: 0, entries: 0, evictions, quotaErrors, budget: Math.min(budget, learned) };
      }
    },
  };
}
