import { isRetryableStatus } from '../shared/swContract';

/** What to do after a send attempt. */
export type Outcome =
  | { kind: 'ok' }
  /** Sent by the synchronous page-hide path while being encoded: its fate is the beacon's. */
  | { kind: 'handed-over' }
  | { kind: 'retry'; afterMs?: number; reason: string }
  | { kind: 'reject'; reason: string };

/** Backoff schedule: base doubling up to max, with "equal jitter" so clients spread out. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** Datadog RUM's schedule, which users already accept: 1 s doubling to 1 min. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 60_000 };

/** Longest `Retry-After` honoured; a server asking for more is asked again after this. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Delay before attempt `attempt` (1 = first retry): half fixed, half random, never below a server's Retry-After. */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, retryAfterMs = 0, random = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(exp / 2 + random() * (exp / 2), Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** Parses `Retry-After` (delta-seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Classifies an HTTP status: 2xx delivered; network-ish and overload statuses (408, 429, 5xx)
 * retried; any other 4xx refused for good (retrying a bad request only repeats it).
 */
export function classify(status: number, retryAfter?: string | null): Outcome {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (isRetryableStatus(status)) {
    const afterMs = parseRetryAfter(retryAfter);
    return { kind: 'retry', reason: `HTTP ${status}`, ...(afterMs === undefined ? {} : { afterMs }) };
  }
  return { kind: 'reject', reason: `HTTP ${status}` };
}
