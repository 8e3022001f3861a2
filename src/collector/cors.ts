import type { IncomingMessage, ServerResponse } from 'node:http';

import { fail } from '../core/errors';

/**
 * Cross-origin settings for `createCollector`. A POST whose `Origin` is not
 * allowed is answered 403; a preflight from it gets no CORS headers.
 *
 * What this protects: which web pages a browser lets post batches here and
 * read the answer. What it does not: anything sent from outside a browser
 * (curl, a script) can claim any `Origin` or none, and a browser sends a
 * `text/plain` POST before it knows our answer. CORS is not authentication:
 * rate-limit and authenticate at the edge if the data must be trusted.
 */
export interface CorsOptions {
  /**
   * Origins allowed to post. Default: any origin. A string or list is matched
   * exactly against the `Origin` header (e.g. `https://shop.example`). The
   * opaque origin `null` (sandboxed frames, `file:` and `data:` pages,
   * cross-origin redirects) passes only where it is allowed like any other
   * (by default, or by naming `'null'`), and is answered `*`, never with
   * credentials: anyone can make a page whose origin is `null`.
   */
  origin?: string | readonly string[] | ((origin: string) => boolean);
  /** `Access-Control-Max-Age` in seconds; default 7200 (Chromium's ceiling, so more buys nothing). */
  maxAge?: number;
  /**
   * Send `Access-Control-Allow-Credentials: true` to allowed origins. Default
   * `false`: pagepace's client posts cross-origin with `credentials: 'omit'`
   * (and `sendBeacon` only to its own origin), so nothing needs it. Turn it
   * on only for a client of your own that sends cookies; it needs `origin`
   * set, since allowing credentials to every origin that asks is what CORS
   * exists to prevent.
   */
  credentials?: boolean;
}

/** What {@link applyCors} decided for one request. */
export type CorsVerdict = 'none' | 'allowed' | 'forbidden';

/** The normalised form the handler works with; `undefined` means CORS is off. */
export interface CorsPolicy {
  /** Whether `origin` may post. */
  allows(origin: string): boolean;
  /** Seconds a browser may cache the preflight answer. */
  maxAge: number;
  /** Whether allowed origins are told credentials are allowed. */
  credentials: boolean;
}

const CORS_KEYS = new Set(['origin', 'maxAge', 'credentials']);

function checkCors(opts: CorsOptions): void {
  for (const key of Object.keys(opts)) {
    if (!CORS_KEYS.has(key)) fail(`cors.${key}`, (opts as Record<string, unknown>)[key], `one of the known options (${[...CORS_KEYS].join(', ')})`);
  }
  const { origin, maxAge, credentials } = opts;
  const list = typeof origin === 'string' || typeof origin === 'function' || (Array.isArray(origin) && origin.every((o) => typeof o === 'string'));
  if (origin !== undefined && !list) fail('cors.origin', origin, 'an origin string, a list of them, or a function (origin) => boolean');
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) fail('cors.maxAge', maxAge, 'a whole number of seconds, 0 or more');
  if (credentials !== undefined && typeof credentials !== 'boolean') fail('cors.credentials', credentials, 'a boolean');
  if (credentials && origin === undefined) fail('cors.credentials', credentials, 'false unless cors.origin names the origins allowed (credentials for any origin is what CORS exists to prevent)');
}

/** Normalises the `cors` option. */
export function corsPolicy(option: boolean | CorsOptions | undefined): CorsPolicy | undefined {
  if (option === false) return undefined;
  const opts: CorsOptions = option === true || option === undefined ? {} : option;
  checkCors(opts);
  const { origin } = opts;
  let allows: (o: string) => boolean;
  if (origin === undefined) allows = () => true;
  else if (typeof origin === 'function') allows = origin;
  else {
    const set = new Set(typeof origin === 'string' ? [origin] : origin);
    allows = (o) => set.has(o);
  }
  return { allows, maxAge: opts.maxAge ?? 7200, credentials: opts.credentials ?? false };
}

/**
 * Sets the CORS response headers every answer needs and reports whether the
 * request's origin may post.
 *
 * An allowed origin is echoed, so caches keyed with `Vary: Origin` keep
 * answers apart; `Access-Control-Allow-Credentials: true` only with
 * `credentials: true`, and never to the opaque origin `null`, which gets `*`.
 */
export function applyCors(policy: CorsPolicy | undefined, req: IncomingMessage, res: ServerResponse): CorsVerdict {
  if (!policy) return 'none';
  const origin = req.headers.origin;
  // Append rather than overwrite: a framework may already vary on other headers.
  const vary = res.getHeader('Vary');
  if (vary === undefined) res.setHeader('Vary', 'Origin');
  else if (!/\borigin\b/i.test(String(vary))) res.setHeader('Vary', `${String(vary)}, Origin`);
  if (origin === undefined) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    return 'none';
  }
  if (!policy.allows(origin)) return 'forbidden';
  if (origin === 'null') {
    res.setHeader('Access-Control-Allow-Origin', '*');
    return 'allowed';
  }
  res.setHeader('Access-Control-Allow-Origin', origin);
  if (policy.credentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
  return 'allowed';
}

/** Adds the headers a preflight answer carries on top of {@link applyCors}. */
export function applyPreflight(policy: CorsPolicy, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Content-Encoding');
  res.setHeader('Access-Control-Max-Age', String(policy.maxAge));
}
