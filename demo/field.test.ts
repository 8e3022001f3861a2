import { describe, expect, it } from 'vitest';
import { createField } from './field.js';

type Metric = { count: number; p75: number; grade: string; rating: string; ratings: Record<string, number>; series: number[][] };
type Snapshot = { sessions: number; metrics: Record<string, Metric>; routes: Array<{ route: string; n: number; metrics: Record<string, { count: number; p75: number }> }>; parts: Record<string, number>; perClient: Record<string, number | null> };

const batch = (sessionId: string, events: object[], page = 'http://127.0.0.1/p') => ({ v: 1, batchId: Math.random().toString(16), sessionId, page, sentAt: Date.now(), events });
const meta = { contentType: 'application/json', bytes: 100 };
const lcp = (value: number, id: string, ts = Date.now(), route?: string) => ({ kind: 'vital', name: 'LCP', value, unit: 'ms', rating: 'good', ts, id, ...(route ? { attrs: { route } } : {}) });

describe('demo field view', () => {
  it('keeps field percentiles across sessions within the sketch bound, one value per vital id', () => {
    const f = createField();
    for (let i = 1; i <= 1000; i++) f.add(batch(`s${i % 7}`, [lcp(i, `v5-${i}`)]), meta);
    // A later report of the same id replaces the earlier one instead of counting twice.
    f.add(batch('s1', [{ ...lcp(5000, 'v5-1'), rating: 'poor' }]), meta);
    const m = (f.snapshot() as unknown as Snapshot).metrics.LCP!;
    expect(m.count).toBe(1000);
    expect(Math.abs(m.p75 - 751) / 751).toBeLessThanOrEqual(0.005);
    expect(m.grade).toBe('A');
    expect((f.snapshot() as unknown as Snapshot).sessions).toBe(7);
  });

  it('rates values against the grading thresholds and replaces a report in its route and time window too', () => {
    const f = createField();
    const t0 = 1_700_000_000_000;
    // Sent as "good" whatever the value: the field view rates each value itself.
    f.add(batch('a', [lcp(1000, 'v5-1', t0, '/x'), lcp(3000, 'v5-2', t0, '/x'), lcp(5000, 'v5-3', t0, '/x'), lcp(2000, 'v5-4', t0, '/x')]), meta);
    // v5-1 grows, later and on another route: it leaves /x and its first window.
    f.add(batch('a', [lcp(4500, 'v5-1', t0 + 60_000, '/y')]), meta);
    // The same id in another session is another value.
    f.add(batch('b', [lcp(1500, 'v5-1', t0, '/x')]), meta);
    const s = f.snapshot() as unknown as Snapshot;
    const m = s.metrics.LCP!;
    expect(m.count).toBe(5);
    expect(m.ratings).toEqual({ good: 2, 'needs-improvement': 1, poor: 2 });
    expect(m.p75).toBe(4500);
    expect([m.rating, m.grade]).toEqual(['poor', 'F']);
    expect(m.series.map((r) => [r[0], r[4]])).toEqual([[t0 / 1000, 4], [(t0 + 60_000) / 1000, 1]]);
    expect(s.routes.map((r) => [r.route, r.n, r.metrics.LCP!.p75])).toEqual([['/x', 4, 3000], ['/y', 1, 4500]]);
  });

  it('counts running totals once: the latest report per page, or per session for the session and its service worker', () => {
    const f = createField();
    const stats = (attrs: object) => ({ kind: 'pagepace', name: 'stats', value: 0, ts: 1, attrs });
    f.add(batch('a', [stats({ sent: 5, 'lazy.loaded': 1, 'sw.l1Hits': 2, 'sw.l1Misses': 2, 'sw.l1P50': 9 })], 'http://h/one'), meta);
    f.add(batch('a', [stats({ sent: 8, 'lazy.loaded': 3, 'sw.l1Hits': 6, 'sw.l1Misses': 2, 'sw.l1P50': 0.5 })], 'http://h/one'), meta);
    // Another page of the session adds its own page counters; the worker's are the session's latest.
    f.add(batch('a', [stats({ sent: 2, 'sw.l1Hits': 7, 'sw.l1Misses': 3, 'sw.l1P50': 0.4 })], 'http://h/two'), meta);
    f.add(batch('b', [
      { kind: 'lazy', name: 'lazy', value: 4, ts: 1, attrs: { deferred: 3, neverNeeded: 1, bytesSaved: 100 } },
      { kind: 'prefetch', name: 'prefetch', value: 2, ts: 1, attrs: { hits: 0, bytes: 50, wastedBytes: 50 } },
      { kind: 'prefetch', name: 'prefetch.hit', value: 1, ts: 1 },
      { kind: 'sw', name: 'sw.l1.hits', value: 1, ts: 1 },
      { kind: 'sw', name: 'sw.l1.p50', value: 3, ts: 1 },
    ]), meta);
    const { parts: p, perClient } = f.snapshot() as unknown as Snapshot;
    expect(p).toMatchObject({ sent: 10, 'lazy.loaded': 7, 'lazy.deferred': 3, 'sw.l1Hits': 8, 'sw.l1Misses': 3, 'prefetch.page': 2, 'prefetch.used': 1, 'prefetch.bytes': 50 });
    // The median of the sessions' latest p50: 0.4 (a) and 3 (b).
    expect(perClient['sw.l1P50']).toBe(0.4);
    // Counters are not metrics.
    expect(Object.keys((f.snapshot() as unknown as Snapshot).metrics)).toEqual([]);
  });
});
