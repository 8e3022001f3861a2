/**
 * What pages and the service worker (dist/pagepace-sw.js) agree on, written once and imported by
 * both sides (src/beacon/*, src/sw-client/*, sw/*): the outbox's database, key, entry shape, sync
 * tag, send lock and retry rule; the worker's own database; the messages a page sends it and the
 * stats it answers with. Types and constants only, plus two small functions both sides run, so the
 * worker's bundle gains nothing by importing it.
 */
import type { Batch } from '../core/types';

// ——— The outbox ———

/** The IndexedDB database and store of the outbox (idb-keyval), same origin for pages and worker. */
export const OUTBOX_DB = 'pagepace-outbox';
export const OUTBOX_STORE = 'batches';

/** The Background Sync tag under which the service worker replays the outbox. */
export const OUTBOX_SYNC_TAG = 'pagepace-outbox';

/** A batch waiting for its acknowledgement, as pages write it and the worker replays it. */
export interface OutboxEntry {
  batch: Batch;
  /** Approximate size, for the byte bound. */
  bytes: number;
  createdAt: number;
  attempts: number;
  /** Not before this time (epoch ms) may it be sent again. */
  nextAt: number;
  /**
   * Until this time (epoch ms) the page that wrote it is sending it itself: no other context (tab,
   * service worker) replays it meanwhile. See {@link replayDue}.
   */
  heldUntil?: number;
  /** Absolute endpoint URL and wire format, so the service worker can replay it with no page open. */
  endpoint?: string;
  format?: 'binary' | 'json' | 'otlp';
}

/** The key a batch is stored (and locked) under: a batch id only needs to be unique within its session. */
export const outboxKey = (b: { sessionId: string; batchId: string }): string => `${b.sessionId}:${b.batchId}`;

/**
 * How long a batch a page has just written to the outbox stays that page's to send. Without it,
 * another context's replay (a tab's at load, the worker's sync) took a live page's fresh batch
 * while the page waited for its send slot or lock: sent by the wrong sender, or, had the page's
 * wait outlasted that send, sent twice. A page that dies meanwhile leaves it to the next replay.
 */
export const FRESH_HOLD_MS = 10_000;

/** When another context may replay an entry: once its retry is due and its writer's hold is over. */
export const replayDue = (e: Pick<OutboxEntry, 'nextAt' | 'heldUntil'>): number => Math.max(e.nextAt, e.heldUntil ?? 0);

/**
 * The retry rule of both senders: network-ish and overload statuses (408, 429, 5xx) are tried
 * again; any other status is final (2xx delivered, other 4xx refused: retrying only repeats it).
 */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** What {@link withSendLock} returns when another context (tab, worker) is sending that batch now. */
export const HELD = Symbol('held');

/**
 * Runs `send` holding the batch's send lock (Web Locks, shared by every page and the service worker
 * of the origin), or returns {@link HELD} at once if another context holds it. The holder removes
 * the outbox entry before it lets go, so a context that gets the lock next and finds the entry gone
 * knows the batch was acknowledged: a batch is never sent twice at once, nor again after a 2xx.
 * Without Web Locks `send` simply runs, and so it does where they are denied: an opaque origin (a
 * sandboxed iframe, every engine) gets a SecurityError, and its storage is denied too, so no other
 * context shares its outbox. Before, that rejection left every batch to the page hide.
 */
export async function withSendLock<T>(key: string, send: () => Promise<T>): Promise<T | typeof HELD> {
  let ran = false;
  try {
    // No Web Locks (navigator or locks undefined) throws here too: caught, and send runs.
    return await (globalThis.navigator as { locks: LockManager }).locks.request(`pagepace-send:${key}`, { ifAvailable: true }, async (lock) => {
      if (!lock) return HELD;
      ran = true;
      return send();
    });
  } catch (err) {
    if (ran) throw err; // send's own failure
    return send();
  }
}

// ——— The worker's cache ———

/** The worker's L2: its IndexedDB database and store (idb-keyval). */
export const SW_DB = 'pagepace-sw';
export const SW_STORE = 'entries';

// ——— Messages from a page (the reply comes on the MessageChannel port it transfers) ———

/** The `type` of each message a page may send the worker. */
export const SW_MSG = {
  stats: 'pagepace:stats',
  invalidate: 'pagepace:invalidate',
  clear: 'pagepace:clear',
  /** Exactly what workbox-window's messageSkipWaiting() sends. */
  skipWaiting: 'SKIP_WAITING',
} as const;

/** Which tier `clear` empties. */
export type SwTierName = 'l1' | 'l2' | 'all';

/** Messages a page may send. */
export type SwRequest =
  | { type: typeof SW_MSG.stats }
  | { type: typeof SW_MSG.invalidate; pattern: string; flags?: string }
  | { type: typeof SW_MSG.clear; tier: SwTierName }
  | { type: typeof SW_MSG.skipWaiting };

/** The reply: `{ ok: true, … }` or `{ ok: false, error }`. */
export type SwReply = { ok: true; stats?: SwStats; removed?: number } | { ok: false; error: string };

// ——— Stats ———

/** Tiers as stats name them: L1 memory, L2 IndexedDB, L3 network. */
export type Tier = 'l1' | 'l2' | 'network';

/** Counters and latency of one tier. */
export interface SwTierStats {
  /** L1/L2: lookups that found a usable entry. Network: responses received. */
  hits: number;
  /** L1/L2: lookups that found nothing usable. Network: failures (offline, timeout). */
  misses: number;
  /** Latency of hits in ms (L1/L2: lookup until the response is built; network: until headers). */
  p50: number;
  p95: number;
}

/** Everything the worker reports to a page (`handle.stats()`). Counters restart with the worker (`since`). */
export interface SwStats {
  /** The worker's script URL (its version: a new URL or new bytes is a new worker). */
  scriptURL: string;
  /** When this worker instance started (epoch ms): the browser may stop it and start a fresh one. */
  since: number;
  tiers: Record<Tier, SwTierStats>;
  /** Bytes, entries and evictions held per storage tier, and the budget in force. */
  l1: { bytes: number; entries: number; evictions: number; budget: number };
  l2: { bytes: number; entries: number; evictions: number; budget: number; quotaErrors: number };
  /** Conditional requests sent, and how many came back 304. */
  revalidations: number;
  notModified: number;
  /** Responses not stored because the policy refused them, by reason. */
  refused: Record<string, number>;
  /** Requests answered by the offline page. */
  offline: number;
  /** Failures caught inside the worker (the request then went to the network). */
  errors: number;
  /** Times a `Clear-Site-Data: "cache"` (or `"*"`) response emptied both tiers. */
  siteCleared: number;
  /** Parts of the configuration the worker ignored, and why. */
  problems: string[];
}
