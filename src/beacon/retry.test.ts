import { describe, expect, it } from 'vitest';
import { backoffDelay, classify, MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry';

describe('retry policy', () => {
  it('retries network-ish and overload statuses, refuses other 4xx, accepts 2xx', () => {
    expect(classify(204)).toEqual({ kind: 'ok' });
    for (const s of [408, 429, 500, 502, 503, 504]) expect(classify(s).kind).toBe('retry');
    for (const s of [400, 401, 403, 404, 405, 413, 415]) expect(classify(s).kind).toBe('reject');
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(classify(503, '2')).toEqual({ kind: 'retry', reason: 'HTTP 503', afterMs: 2000 });
  });

  it('backs off exponentially with jitter, capped, and never sooner than Retry-After', () => {
    const opts = { baseMs: 1000, maxMs: 60_000 };
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, opts, 0, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, opts, 0, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(30, opts, 0, () => 1)).toBe(60_000);
    expect(backoffDelay(1, opts, 5000, () => 0)).toBe(5000);
    expect(backoffDelay(1, opts, 10 ** 9, () => 0)).toBe(MAX_RETRY_AFTER_MS);
  });
});
