// The worker's configuration as a page writes it (RegExp patterns allowed; sw/config.ts parses the
// JSON form). Stats and messages are the shared contract's (src/shared/swContract.ts).

/** How a route answers a request. */
export type SwStrategy = 'cache-first' | 'network-first' | 'stale-while-revalidate' | 'network-only';

/** One route: tried in order before the built-in ones. */
export interface SwRoute {
  /** Tested against the full request URL (no fragment); a string is a RegExp source. */
  pattern?: RegExp | string;
  /** Request destinations to match (`script`, `style`, `image`, `font`, `document`, …). */
  destination?: string | string[];
  strategy: SwStrategy;
  /** Cache-first: revalidate entries older than this. Stale-while-revalidate: refresh in the background past it (default 0). */
  ttlMs?: number;
  /** Network-first with `fallbackOn: ['timeout']`: how long to wait for the network (default 3000). */
  timeoutMs?: number;
  /**
   * Network-first: when, besides a network failure, to answer with the stored copy: `'timeout'`
   * (slower than `timeoutMs`), `'5xx'` (a server error). Default none: on a site with logins the
   * stored copy may be stale or someone else's page.
   */
  fallbackOn?: Array<'timeout' | '5xx'>;
  /**
   * Handle requests that carry `Authorization` (default: left to the browser, never stored). Only for
   * responses that are the same whoever asks.
   */
  authorized?: boolean;
  /** Store what the default policy refuses (no-store, private, non-200). Opaque bodies are never stored. */
  cacheAlways?: boolean;
  /** Let a destination-only route match other origins too. */
  crossOrigin?: boolean;
}

/** What the worker does, set at registration. Every key is optional. */
export interface SwWorkerConfig {
  routes?: SwRoute[];
  /** Keep the built-in routes (same-origin scripts/styles/images/fonts cache-first, navigations network-first). Default true. */
  defaults?: boolean;
  /** Default TTL (ms) of cache-first entries before revalidation. Default 24 h. */
  ttlMs?: number;
  /** Default network-first timeout (ms). Default 3000. */
  timeoutMs?: number;
  /** L1 memory budget (bytes). Default 8 MiB. */
  l1Bytes?: number;
  /** L2 IndexedDB budget (bytes), kept below the origin's free quota too. Default 100 MiB. */
  l2Bytes?: number;
  /** Warmed on install; a new revision replaces the old copy, unlisted ones are removed on activate. */
  precache?: Array<string | { url: string; revision: string }>;
  /** Page shown to failed navigations with nothing cached (precached automatically). */
  offlineUrl?: string;
  /**
   * URLs (RegExp or its source, tested against the full URL) whose request empties both tiers and
   * the precache first: your logout. Needed in Chromium, which keeps `Clear-Site-Data` from workers.
   */
  clearOn?: Array<RegExp | string>;
}

export type { SwStats, SwTierStats } from '../shared/swContract';
