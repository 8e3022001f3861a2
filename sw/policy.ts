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
 * The default storage policy: only complete, shareable 200 responses. A route with `cacheAlways`
 * skips it, except for opaque responses, which `keep()` (strategies/context.ts) always refuses: their
 * body cannot be read.
 *
 * Note: browsers hide `Set-Cookie` from service workers, so that check only bites where a runtime
 * exposes the header; cookie-setting responses are usually `private` or `no-store` as well.
 */
export function refusal(res: ResponseFacts): Refusal | undefined {
  if (res.type === 'opaque' || res.type === 'opaqueredirect') return 'opaque';
  if (res.status !== 200) return res.status === 206 ? 'partial' : 'status';
  if (res.header('content-range')) return 'partial';
  const cc = (res.header('cache-control') ?? '').toLowerCase();
  if (/(^|[,\s])no-store\b/.test(cc)) return 'no-store';
  if (/(^|[,\s])private\b/.test(cc)) return 'private';
  if (res.header('set-cookie') || res.header('set-cookie2')) return 'set-cookie';
  // Vary: * means no stored copy can ever match a later request.
  if ((res.header('vary') ?? '').split(',').some((v) => v.trim() === '*')) return 'vary';
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
