/** How a route answers a request. */
export type StrategyName = 'cache-first' | 'network-first' | 'stale-while-revalidate' | 'network-only';

/** One route: what it matches and how it answers. */
export interface RouteConfig {
  /** RegExp source tested against the full request URL (`https://host/path?query`, no fragment). */
  pattern?: string;
  /** RegExp flags for `pattern`. */
  flags?: string;
  /** Request destinations (`script`, `style`, `image`, `font`, `document`, …); absent = any. */
  destination?: string[];
  /** Strategy for matching requests. */
  strategy: StrategyName;
  /** Age in ms after which an entry is revalidated before use (cache-first) or in the background. */
  ttlMs?: number;
  /**
   * Network-first: how long to wait for the network before answering from the cache; only with
   * `fallbackOn: ['timeout']`.
   */
  timeoutMs?: number;
  /**
   * Network-first: when, besides a network failure, to answer with the stored copy — `'timeout'`
   * (the network took longer than `timeoutMs`) and `'5xx'` (it answered a server error). Default
   * none: a slow answer is waited for and a 5xx is shown, because the stored copy may be out of
   * date or, on a site with logins, someone else's page (see the README's service-worker section).
   */
  fallbackOn?: FallbackOn[];
  /**
   * Handle requests that carry `Authorization` (default: they are left to the browser, never
   * looked up nor stored — RFC 9111 §3.5, as a shared cache must). Only for responses that are
   * the same whoever asks: a stored copy is served whatever the next request's credentials.
   */
  authorized?: boolean;
  /**
   * Store responses the default policy refuses (no-store, private, Set-Cookie, non-200, partial,
   * `Vary: *`). Opaque responses are never stored (their body cannot be read), and non-GET or range
   * requests are never handled (see router.ts), whatever the route says.
   */
  cacheAlways?: boolean;
  /** A destination-only route matches other origins too when true. */
  crossOrigin?: boolean;
}

/** What makes network-first answer from the cache besides a network failure. */
export type FallbackOn = 'timeout' | '5xx';

/** A precached URL and its revision: a new revision replaces the old entry on the next install. */
export interface PrecacheEntry {
  url: string;
  revision: string;
}

/** The worker's configuration after parsing and defaults. */
export interface SwConfig {
  /** Tried in order before the built-in routes. */
  routes: RouteConfig[];
  /** Keep the built-in routes (same-origin assets cache-first, navigations network-first). */
  defaults: boolean;
  /** Default TTL in ms. */
  ttlMs: number;
  /** Network-first timeout in ms for routes with `fallbackOn: ['timeout']` and no `timeoutMs`. */
  timeoutMs: number;
  /** L1 (memory) budget in bytes. */
  l1Bytes: number;
  /** L2 (IndexedDB) budget in bytes; the worker also keeps under the origin's quota. */
  l2Bytes: number;
  /** Warmed on install, pinned (not evicted by LRU), cleaned on activate when no longer listed. */
  precache: PrecacheEntry[];
  /** Shown to navigations that fail with nothing cached; precached automatically. */
  offlineUrl: string | undefined;
  /**
   * RegExp sources tested against request URLs: a request to one (a logout) empties both tiers and
   * the precache before it goes on. Why besides `Clear-Site-Data`: Chromium keeps that header from
   * workers and pages (measured in Chromium 156: `fetch()` sees null), so a worker there can only
   * honour a logout it is told about.
   */
  clearOn: string[];
}

const STRATEGIES: readonly string[] = ['cache-first', 'network-first', 'stale-while-revalidate', 'network-only'];

/** Built-in values for every key. */
export const DEFAULTS: Readonly<SwConfig> = Object.freeze({
  routes: [],
  defaults: true,
  ttlMs: 24 * 3600_000,
  timeoutMs: 3000,
  l1Bytes: 8 * 1024 * 1024,
  l2Bytes: 100 * 1024 * 1024,
  precache: [],
  offlineUrl: undefined,
  clearOn: [],
});

/** The parsed config and what was ignored in it, so that a page can be told (see `stats().problems`). */
export interface ParsedConfig {
  config: SwConfig;
  problems: string[];
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown, min: number, max: number): x is number => typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max;

/**
 * Reads the `config` query parameter of the worker's script URL (JSON). A worker must never fail to
 * start over configuration: anything malformed is dropped, reported in `problems`, and the default used.
 */
export function parseConfig(json: string | null | undefined, base: string): ParsedConfig {
  const problems: string[] = [];
  const config: SwConfig = { ...DEFAULTS, routes: [], precache: [], clearOn: [] };
  if (!json) return { config, problems };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { config, problems: ['config is not valid JSON'] };
  }
  if (!isObj(raw)) return { config, problems: ['config must be an object'] };

  const bound = (key: 'ttlMs' | 'timeoutMs' | 'l1Bytes' | 'l2Bytes', min: number, max: number) => {
    const v = raw[key];
    if (v === undefined) return;
    if (num(v, min, max)) config[key] = v;
    else problems.push(`${key} must be a number from ${min} to ${max}`);
  };
  bound('ttlMs', 0, 10 * 365 * 86_400_000);
  bound('timeoutMs', 0, 600_000);
  bound('l1Bytes', 0, 2 ** 31);
  bound('l2Bytes', 0, 2 ** 45);
  if (raw.defaults !== undefined) {
    if (typeof raw.defaults === 'boolean') config.defaults = raw.defaults;
    else problems.push('defaults must be a boolean');
  }
  if (raw.offlineUrl !== undefined) {
    const u = absolute(raw.offlineUrl, base);
    if (u) config.offlineUrl = u;
    else problems.push('offlineUrl must be a URL');
  }
  if (raw.routes !== undefined) {
    if (!Array.isArray(raw.routes)) problems.push('routes must be an array');
    else raw.routes.forEach((r, i) => {
      const route = parseRoute(r, `routes[${i}]`, problems);
      if (route) config.routes.push(route);
    });
  }
  if (raw.precache !== undefined) {
    if (!Array.isArray(raw.precache)) problems.push('precache must be an array');
    else (raw.precache as unknown[]).forEach((p, i) => {
      const e = typeof p === 'string' ? { url: p, revision: '' } : p;
      const url = isObj(e) ? absolute(e.url, base) : undefined;
      if (url && isObj(e) && typeof e.revision === 'string') config.precache.push({ url, revision: e.revision });
      else problems.push(`precache[${i}] must be a URL or { url, revision }`);
    });
  }
  if (raw.clearOn !== undefined) {
    if (!Array.isArray(raw.clearOn)) problems.push('clearOn must be an array');
    else raw.clearOn.forEach((p, i) => {
      if (typeof p === 'string' && isRegExp(p)) config.clearOn.push(p);
      else problems.push(`clearOn[${i}] must be a RegExp source`);
    });
  }
  const known = new Set(['routes', 'defaults', 'ttlMs', 'timeoutMs', 'l1Bytes', 'l2Bytes', 'precache', 'offlineUrl', 'clearOn']);
  for (const k of Object.keys(raw)) if (!known.has(k)) problems.push(`unknown key ${k}`);
  return { config, problems };
}

const isRegExp = (p: string) => {
  try {
    return !!new RegExp(p);
  } catch {
    return false;
  }
};

function parseRoute(r: unknown, path: string, problems: string[]): RouteConfig | undefined {
  if (!isObj(r)) return void problems.push(`${path} must be an object`);
  if (typeof r.strategy !== 'string' || !STRATEGIES.includes(r.strategy)) {
    return void problems.push(`${path}.strategy must be one of ${STRATEGIES.join(', ')}`);
  }
  const route: RouteConfig = { strategy: r.strategy as StrategyName };
  if (r.pattern !== undefined) {
    const flags = typeof r.flags === 'string' ? r.flags : '';
    try {
      if (typeof r.pattern !== 'string') throw new Error();
      new RegExp(r.pattern, flags);
      route.pattern = r.pattern;
      if (flags) route.flags = flags;
    } catch {
      return void problems.push(`${path}.pattern must be a valid RegExp source`);
    }
  }
  if (r.destination !== undefined) {
    const d = typeof r.destination === 'string' ? [r.destination] : r.destination;
    if (!Array.isArray(d) || !d.every((x) => typeof x === 'string')) return void problems.push(`${path}.destination must be a string or strings`);
    route.destination = d;
  }
  if (route.pattern === undefined && route.destination === undefined) return void problems.push(`${path} needs a pattern or a destination`);
  if (r.ttlMs !== undefined) {
    if (num(r.ttlMs, 0, Number.MAX_SAFE_INTEGER)) route.ttlMs = r.ttlMs;
    else problems.push(`${path}.ttlMs must be a number of ms`);
  }
  if (r.timeoutMs !== undefined) {
    if (num(r.timeoutMs, 0, 600_000)) route.timeoutMs = r.timeoutMs;
    else problems.push(`${path}.timeoutMs must be a number of ms`);
  }
  if (r.fallbackOn !== undefined) {
    const f = r.fallbackOn;
    if (Array.isArray(f) && f.every((x) => x === 'timeout' || x === '5xx')) route.fallbackOn = f as FallbackOn[];
    else problems.push(`${path}.fallbackOn must list "timeout", "5xx"`);
  }
  if (route.timeoutMs !== undefined && !route.fallbackOn?.includes('timeout')) {
    problems.push(`${path}.timeoutMs needs fallbackOn ["timeout"]`);
  }
  if (r.cacheAlways === true) route.cacheAlways = true;
  if (r.authorized === true) route.authorized = true;
  if (r.crossOrigin === true) route.crossOrigin = true;
  return route;
}

function absolute(u: unknown, base: string): string | undefined {
  if (typeof u !== 'string' || !u) return undefined;
  try {
    const url = new URL(u, base);
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}
