/** What the cacheability rules need to know of a response (plain data, testable without a browser). */
export interface ResponseFacts {
  status: number;
  type: ResponseType;
  /** Header lookup, case-insensitive like `Headers.get`. */
  header(name: string): string | null;
}

/** Why a response is not stored, or `undefined` when it may be. */
export type Refusal = 'status' | 'opaque' | 'no-store' | 'private' | 'set-cookie' | 'vary' | 'partial';

/**
 * Whether a response's `Vary` names a request header other than `Accept-Encoding`: such a response
 * may be right for one request and wrong for the next (`Vary: Cookie` is one user's page). The
 * worker keys entries by URL alone and cannot compare what it cannot see — `Cookie` and the
 * headers the network stack adds are hidden from it — so it never stores nor serves them, whatever a
 * route says (RFC 9111 §4.1). `Accept-Encoding` is safe: the stored body is already decoded.
 */
export const variesPerRequest = (vary: string | null): boolean =>
  !!vary && vary.split(',').some((v) => !!(v = v.trim().toLowerCase()) && v !== 'accept-encoding');

/**
 * Whether a response says `Clear-Site-Data: "cache"` (or `"*"`), as a logout should: the worker
 * then empties both tiers and the precache (W3C Clear Site Data; the browser itself only clears its
 * HTTP cache for `"cache"`, never a worker's IndexedDB).
 */
export const clearsCache = (value: string | null): boolean => /"(cache|\*)"/i.test(value ?? '');

/**
 * The storage policy: only complete, shareable 200 responses. A route with `cacheAlways` (`always`)
 * skips it, except for opaque responses and per-request `Vary`, refused whatever a route says: an
 * opaque body cannot be read, and a varied one may be another user's.
 *
 * Note: browsers hide `Set-Cookie` from service workers, so that check only bites where a runtime
 * exposes the header; cookie-setting responses are usually `private` or `no-store` as well.
 */
export function refusal(res: ResponseFacts, always = false): Refusal | undefined {
  if (res.type === 'opaque' || res.type === 'opaqueredirect') return 'opaque';
  // Vary: * means no stored copy can ever match a later request; Vary: Cookie (or any header but
  // Accept-Encoding) one the worker cannot check.
  if (variesPerRequest(res.header('vary'))) return 'vary';
  if (always) return undefined;
  if (res.status !== 200) return res.status === 206 ? 'partial' : 'status';
  if (res.header('content-range')) return 'partial';
  const cc = (res.header('cache-control') ?? '').toLowerCase();
  if (/(^|[,\s])no-store\b/.test(cc)) return 'no-store';
  if (/(^|[,\s])private\b/.test(cc)) return 'private';
  if (res.header('set-cookie') || res.header('set-cookie2')) return 'set-cookie';
  return undefined;
}

/** Response headers worth keeping to rebuild a response: content description, validators, security. */
export const KEPT_HEADERS = [
  'content-type', 'content-language', 'content-disposition', 'etag', 'last-modified', 'cache-control', 'vary',
  'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers', 'timing-allow-origin',
  'content-security-policy', 'content-security-policy-report-only', 'cross-origin-embedder-policy', 'cross-origin-opener-policy',
  'cross-origin-resource-policy', 'permissions-policy', 'referrer-policy', 'x-content-type-options', 'x-frame-options',
  'link', 'sourcemap', 'x-sourcemap',
];

/** Whether an entry stored at `storedAt` is still fresh at `now` under a TTL. */
export const isFresh = (storedAt: number, ttlMs: number, now: number) => now - storedAt < ttlMs;
