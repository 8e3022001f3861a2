import type { StrategyName, SwConfig } from './config';

/** What the router needs to know of a request (plain data, so it is testable without a browser). */
export interface RequestFacts {
  url: string;
  method: string;
  destination: string;
  mode: string;
  /** The request carries a `Range` header. */
  range: boolean;
  /** The request carries an `Authorization` header. */
  auth?: boolean;
}

/** The decision for one request. */
export interface Decision {
  strategy: StrategyName;
  /** Cache key: the URL without its fragment; precached entries carry their revision. */
  key: string;
  ttlMs: number;
  /** Network-first: answer from the cache after this long (0: wait for the network). */
  timeoutMs: number;
  /** Network-first: answer from the cache when the network answers 5xx. */
  on5xx: boolean;
  cacheAlways: boolean;
  /** A precached entry: never expires, never evicted by LRU. */
  pinned: boolean;
  navigate: boolean;
}

const ASSETS = ['script', 'style', 'image', 'font'];

// Routes are fixed for the worker's life: compile each pattern once, not per request.
const compiled = new Map<string, RegExp>();
const regexOf = (source: string, flags = '') => {
  const id = `${flags}/${source}`;
  let re = compiled.get(id);
  if (!re) compiled.set(id, (re = new RegExp(source, flags.replace(/[gy]/g, ''))));
  return re;
};

/** The key a precached URL is stored under: revisions live side by side until activate cleans up. */
export const precacheKey = (url: string, revision: string) => (revision ? `${url}#rev=${revision}` : url);

/**
 * Picks a strategy, or `undefined` to let the browser handle the request untouched (the cheapest
 * and safest path). Non-GET and range requests are never handled: they cannot be keyed by URL.
 * Nor are requests with `Authorization`, unless their route says `authorized`: the key holds no
 * credentials, so one user's stored answer would be served to the next.
 */
export function decide(req: RequestFacts, cfg: SwConfig, origin: string, precached: ReadonlyMap<string, string>): Decision | undefined {
  if (req.method !== 'GET' || req.range) return undefined;
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  const href = url.href;
  const sameOrigin = url.origin === origin;
  const navigate = req.mode === 'navigate';
  const base = { key: href, ttlMs: cfg.ttlMs, timeoutMs: 0, on5xx: false, cacheAlways: false, pinned: false, navigate };

  const rev = precached.get(href);
  if (rev !== undefined && !req.auth) return { ...base, strategy: 'cache-first', key: precacheKey(href, rev), ttlMs: Infinity, pinned: true };

  const destination = navigate ? 'document' : req.destination;
  for (const r of cfg.routes) {
    if (r.destination && !r.destination.includes(destination)) continue;
    if (r.pattern !== undefined) {
      if (!regexOf(r.pattern, r.flags).test(href)) continue;
    } else if (!sameOrigin && !r.crossOrigin) continue;
    if (req.auth && !r.authorized) return undefined;
    const f = r.fallbackOn ?? [];
    return {
      ...base,
      strategy: r.strategy,
      // Stale-while-revalidate refreshes after every use unless a route gives it a TTL.
      ttlMs: r.ttlMs ?? (r.strategy === 'stale-while-revalidate' ? 0 : cfg.ttlMs),
      timeoutMs: f.includes('timeout') ? r.timeoutMs ?? cfg.timeoutMs : 0,
      on5xx: f.includes('5xx'),
      cacheAlways: r.cacheAlways ?? false,
    };
  }
  if (!cfg.defaults || !sameOrigin || req.auth) return undefined;
  if (navigate) return { ...base, strategy: 'network-first' };
  if (ASSETS.includes(req.destination)) return { ...base, strategy: 'cache-first' };
  return undefined;
}
