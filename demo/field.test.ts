import { describe, expect, it } from 'vitest';
import { createField, MAX_COUNTER_KEYS } from './field.js';
import { OTHER } from './why.js';

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

  it('bounds what a session can make it keep: pages per session, URL length, counter names', () => {
    const f = createField();
    const long = 'a'.repeat(8000);
    const stats = (i: number) => ({ kind: 'pagepace', name: 'stats', value: 0, ts: 1, attrs: Object.fromEntries(Array.from({ length: 64 }, (_, k) => [`k${i}.${k}`, 1])) });
    for (let i = 0; i < 100; i++) f.add(batch(`c${i}`, [stats(i)]), meta);
    for (let i = 0; i < 3000; i++) f.add(batch('s', [{ kind: 'custom', name: 'x', value: 1, ts: 1 }], `http://h/${i}/${long}`), meta);
    const s = f.snapshot() as unknown as Snapshot & { recent: Array<{ pages: string[]; pageCount: number; recent: Array<{ page: string }> }> };
    const session = s.recent.find((x) => x.pageCount === 3000)!;
    expect(session.pages.length).toBe(20);
    expect(Math.max(...session.pages.map((p) => p.length), ...session.recent.map((e) => e.page.length))).toBeLessThanOrEqual(300);
    expect(JSON.stringify(s).length).toBeLessThan(2_000_000);
    expect(Object.keys(s.parts).length).toBeLessThanOrEqual(MAX_COUNTER_KEYS + 1);
  });

  it('keeps names that are Object.prototype members as metrics and counters of their own', () => {
    const f = createField();
    const names = ['constructor', '__proto__', 'toString', 'valueOf'];
    for (const name of names) {
      f.add(batch('p', [
        { kind: 'custom', name, value: 7, ts: 1 },
        { kind: 'vital', name, value: 7, ts: 1, id: `v-${name}`, attrs: { route: name, [name]: 'x' } },
        { kind: 'pagepace', name: 'stats', value: 1, ts: 1, attrs: { [name]: 2 } },
        { kind: 'lazy', name: 'lazy', value: 1, ts: 1, attrs: { [name]: 1 } },
      ], 'http://['), meta);
    }
    const s = f.snapshot() as unknown as Snapshot;
    for (const name of names) {
      expect(Object.hasOwn(s.metrics, name), name).toBe(true);
      expect(s.metrics[name]!.count).toBe(2);
      expect(Object.hasOwn(s.parts, name) && s.parts[name]).toBe(2);
    }
  });
});

describe('demo field view: what to fix', () => {
  type Why = Snapshot & {
    breakdown: Record<string, Array<{ part: string; count: number; p75: number }>>;
    blame: Record<string, Array<{ label: string; rows: Array<{ key: string; n: number; slow: number; share: number; sessions: string[] }> }>>;
    split: Record<string, Array<{ key: string; n: number; p75: Record<string, number>; sessions: string[] }>>;
  };
  const lcpWith = (value: number, id: string, target: string, parts: number[], extra: object = {}) => ({
    kind: 'vital', name: 'LCP', value, unit: 'ms', ts: 1, id,
    attrs: { 'attribution.timeToFirstByte': parts[0]!, 'attribution.resourceLoadDelay': parts[1]!, 'attribution.resourceLoadDuration': parts[2]!, 'attribution.elementRenderDelay': parts[3]!, 'attribution.target': target, ...extra },
  });

  it('gives the p75 of each part, ranks culprits by their share of the time over the good threshold, splits by class, names the sessions', () => {
    const f = createField();
    // 3 fast views of img.a; one slow view of img.b (+3500 ms over 2500) and one of img.c (+500 ms).
    for (let i = 0; i < 3; i++) f.add(batch(`a${i}`, [lcpWith(1000, 'l', 'img.a', [100, 200, 300, 400], { viewport: 'desktop' })]), meta);
    f.add(batch('b', [lcpWith(6000, 'l', 'img.b', [1000, 1000, 2000, 2000])], 'http://h/b'), meta);
    f.add(batch('b', [{ kind: 'context', name: 'context', value: 0, ts: 1, attrs: { viewport: 'mobile', effectiveType: '3g' } }], 'http://h/b'), meta);
    f.add(batch('c', [lcpWith(3000, 'l', 'img.c', [500, 500, 1000, 1000], { viewport: 'mobile', effectiveType: '4g' })]), meta);
    const s = f.snapshot() as unknown as Why;
    expect(s.breakdown.LCP!.map((p) => [p.part, p.count, p.p75])).toEqual([
      ['timeToFirstByte', 5, 500], ['resourceLoadDelay', 5, 500], ['resourceLoadDuration', 5, 1000], ['elementRenderDelay', 5, 1000],
    ]);
    const elements = s.blame.LCP!.find((b) => b.label === 'element')!.rows;
    expect(elements.map((r) => [r.key, r.n, r.slow, r.share])).toEqual([['img.b', 1, 1, 3500 / 4000], ['img.c', 1, 1, 500 / 4000], ['img.a', 3, 0, 0]]);
    expect(elements[0]!.sessions).toEqual(['b']);
    expect(elements[2]!.sessions).toEqual(['a0', 'a1', 'a2']);
    // b's context came after its LCP: it is only known for later vitals of the page view.
    expect(s.split.device!.map((r) => [r.key, r.n])).toEqual([['desktop', 3], ['unknown', 1], ['mobile', 1]]);
    expect(s.split.connection!.find((r) => r.key === '4g')!.p75.LCP).toBe(3000);
    expect((s.routes as unknown as Array<{ route: string; sessions: string[] }>).find((r) => r.route === '/p')!.sessions).toEqual(['a0', 'a1', 'a2', 'c']);
  });

  it('replaces an INP reported again: its parts, culprit and split leave with it', () => {
    const f = createField();
    const inp = (value: number, parts: number[], target: string) => ({ kind: 'vital', name: 'INP', value, unit: 'ms', ts: 1, id: 'i', attrs: { 'attribution.inputDelay': parts[0]!, 'attribution.processingDuration': parts[1]!, 'attribution.presentationDelay': parts[2]!, 'attribution.interactionTarget': target, 'attribution.longestScript.sourceURL': 'https://h/app.js', effectiveType: '4g' } });
    f.add(batch('s', [inp(100, [10, 50, 40], 'button#a')]), meta);
    f.add(batch('s', [inp(700, [100, 500, 100], 'button#b')]), meta);
    const s = f.snapshot() as unknown as Why;
    expect(s.breakdown.INP!.map((p) => [p.count, p.p75])).toEqual([[1, 100], [1, 500], [1, 100]]);
    expect(s.blame.INP!.find((b) => b.label === 'target')!.rows.map((r) => [r.key, r.share])).toEqual([['button#b', 1]]);
    expect(s.blame.INP!.find((b) => b.label === 'script')!.rows.map((r) => [r.key, r.n])).toEqual([['https://h/app.js', 1]]);
    expect(s.split.connection!.map((r) => [r.key, r.n, r.p75.INP])).toEqual([['4g', 1, 700]]);
  });

  it('keeps at most 1000 culprits per kind; the rest are counted in one more row', () => {
    const f = createField();
    for (let i = 0; i < 1100; i++) f.add(batch('s', [lcpWith(3000, `l${i}`, `img.n${i}`, [1, 1, 1, 2997])]), meta);
    const rows = (f.snapshot() as unknown as Why).blame.LCP!.find((b) => b.label === 'element')!.rows;
    expect(rows[0]).toMatchObject({ key: OTHER, n: 100 });
  });
});
