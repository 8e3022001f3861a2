import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Cross-origin settings for `createCollector`. A POST whose `Origin` is not
 * allowed is answered 403; a preflight from it gets no CORS headers.
 */
export interface CorsOptions {
  /**
   * Origins allowed to post. Default: any origin. A string or list is matched
   * exactly against the `Origin` header (e.g. `https://shop.example`).
   */
  origin?: string | readonly string[] | ((origin: string) => boolean);
  /** `Access-Control-Max-Age` in seconds; default 7200 (Chromium's ceiling, so more buys nothing). */
  maxAge?: number;
}

/** What {@link applyCors} decided for one request. */
export type CorsVerdict = 'none' | 'allowed' | 'forbidden';

/** The normalised form the handler works with; `undefined` means CORS is off. */
export interface CorsPolicy {
  /** Whether `origin` may post. */
  allows(origin: string): boolean;
  /** Seconds a browser may cache the preflight answer. */
  maxAge: number;
}

/** Normalises the `cors` option. */
export function corsPolicy(option: boolean | CorsOptions | undefined): CorsPolicy | undefined {
  if (option === false) return undefined;
  const opts: CorsOptions = option === true || option === undefined ? {} : option;
  const { origin } = opts;
  let allows: (o: string) => boolean;
  if (origin === undefined) allows = () => true;
  else if (typeof origin === 'function') allows = origin;
  else {
    const set = new Set(typeof origin === 'string' ? [origin] : origin);
    allows = (o) => set.has(o);
  }
  return { allows, maxAge: opts.maxAge ?? 7200 };
}

/**
 * Sets the CORS response headers every answer needs and reports whether the
 * request's origin may post.
 *
 * The origin is echoed (never `*` when there is one) together with
 * `Access-Control-Allow-Credentials: true`, because `navigator.sendBeacon`
 * always sends credentials, and a credentialed preflight fails against `*` —
 * the beacon would then never be sent. The collector reads no cookies, so
 * allowing credentials exposes nothing.
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
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  return 'allowed';
}

/** Adds the headers a preflight answer carries on top of {@link applyCors}. */
export function applyPreflight(policy: CorsPolicy, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Content-Encoding');
  res.setHeader('Access-Control-Max-Age', String(policy.maxAge));
}
