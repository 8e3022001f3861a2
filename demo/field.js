// Field view: what the demo collector has seen across every session, summarised for the dashboard
// with the library's own code (pagepace/vitals): `createFieldSummary`'s streaming percentile
// sketches (bounded memory, within 0.5 % of the exact percentile), Google's `THRESHOLDS`, `rate`
// and the A–F grades of `summarise`. Nothing here grades or computes a percentile by itself.
//
// Web vitals are reported again under the same id as they change (CLS grows, INP gets worse): only
// the latest value per (session, id) counts, in the totals, per route, per time window and in the
// rating shares, which are the values' ratings against the same thresholds as the grades (never
// the rating an event carries, which may come from other thresholds or be absent).
//
// Every name, key and URL here came from a page and may be hostile: user-supplied names are never
// looked up on plain objects (`constructor`, `__proto__`…), and everything kept is bounded.
import { addValue, createFieldSummary, createSketch, quantile, rate, removeValue, THRESHOLDS } from '../dist/vitals.js';
import { createWhy, keyOf, recordOf, SPLITS } from './why.js';

export const VITALS = Object.keys(THRESHOLDS);
const WINDOW_MS = 5_000;
/** Time windows kept per vital (10 minutes of 5 s windows). */
const MAX_WINDOWS = 120;
/** Web-vitals ids remembered per metric, to replace a value reported again. */
const MAX_IDS = 50_000;
/** Routes (and their sketches) summarised; the field summary ignores routes past this. */
const MAX_ROUTES = 200;
/** Routes shown: the most reported. */
const SHOWN_ROUTES = 30;
/** Sessions kept for the "recent sessions" list. */
const MAX_SESSIONS = 500;
/** Counter records kept, per (session, page) and per session. */
const MAX_COUNTER_RECORDS = 20_000;
/** Sessions counted. */
const MAX_SEEN = 100_000;
/** Pages remembered per session (distinct URLs; later ones are counted, not kept). */
const MAX_PAGES = 20;
/** Characters kept of a page URL shown on the dashboard. */
const MAX_URL = 300;
/** Distinct counter names summed (attrs of `stats` events); later names are ignored. */
export const MAX_COUNTER_KEYS = 256;
/** Page views whose context (device, connection) is remembered for their vitals. */
const MAX_CONTEXTS = 20_000;
/** Context attrs a page view may carry once, on any event: the split classes. */
const CONTEXT_KEYS = SPLITS.flatMap(([, keys]) => keys);
/** A vital's thresholds, only for its own names: `THRESHOLDS.constructor` is not one. */
const thresholdsOf = (name) => (Object.hasOwn(THRESHOLDS, name) ? THRESHOLDS[name] : undefined);
/**
 * The library's summary (as of this writing) looks names up on plain objects, so a metric named
 * `constructor` or `__proto__` would make every later summary throw: such names reach it with a
 * word joiner appended, and leave it without.
 */
const JOINER = '\u2060';
const toStore = (name) => (name in Object.prototype ? name + JOINER : name);
const fromStore = (name) => (name.endsWith(JOINER) && name.slice(0, -1) in Object.prototype ? name.slice(0, -1) : name);
/** Kinds that are not metrics: running counters (handled by `createCounters`) and per-URL resource entries. */
const NOT_METRICS = new Set(['pagepace', 'lazy', 'prefetch', 'sw', 'resource', 'route']);

/** Creates the aggregator: `add(batch, meta)` for every accepted batch, `snapshot()` for the dashboard. */
export function createField() {
  const field = createFieldSummary({ maxIds: MAX_IDS, maxRoutes: MAX_ROUTES });
  const { store } = field;
  /** @type {Map<string, { unit?: string, kind: string }>} what each metric is, from its first event */
  const info = new Map();
  /** @type {Map<string, ReturnType<typeof createVital>>} per vital: time windows and rating counts */
  const vitals = new Map();
  const counters = createCounters();
  const bytes = { binary: 0, json: 0, otlp: 0 };
  const batchesByFormat = { binary: 0, json: 0, otlp: 0 };
  /** @type {Map<string, { session: string, pages: Set<string>, pageCount: number, events: number, last: number, recent: object[] }>} */
  const sessions = new Map();
  /** Every session seen (up to a bound), for the count: the list above keeps only the latest. */
  const seen = new Set();
  let events = 0;
  const why = createWhy(THRESHOLDS);
  /** @type {Map<string, ReturnType<typeof recordOf>>} (session, id) → the record `why` holds for it */
  const records = new Map();
  /** @type {Map<string, Map<string, string>>} (session, page) → its context attrs */
  const contexts = new Map();

  /** Adds one metric value; `key` names a vital's (session, id), whose earlier value it replaces. */
  const addMetric = (e, route, key, session, context) => {
    if (!info.has(e.name) && info.size < 1000) info.set(e.name, { unit: typeof e.unit === 'string' ? e.unit : undefined, kind: e.kind });
    // The field summary replaces a vital's earlier report by id: the id made unique per session.
    store.add({ kind: e.kind, name: toStore(e.name), value: e.value, ts: e.ts, id: key, attrs: { route } });
    const t = thresholdsOf(e.name);
    if (!t) return;
    let v = vitals.get(e.name);
    if (!v) vitals.set(e.name, (v = createVital(t)));
    v.add(e.value, e.ts, key);
    const rec = recordOf(e, session, route, context);
    if (key !== undefined) {
      const prev = records.get(key);
      if (prev) why.remove(prev);
      records.delete(key);
      records.set(key, rec);
      // Forgotten with the same bound as the vitals' ids: its figures stay, it can no longer be replaced.
      if (records.size > MAX_IDS) records.delete(records.keys().next().value);
    }
    why.add(rec);
  };
  /** The context of a page view, updated from the context attrs any of its events carry. */
  const contextOf = (batch) => {
    const id = `${batch.sessionId}\u0000${batch.page}`;
    let c = contexts.get(id);
    for (const e of batch.events) {
      for (const k of CONTEXT_KEYS) {
        const v = e.attrs && Object.hasOwn(e.attrs, k) ? keyOf(e.attrs[k]) : undefined;
        if (v === undefined) continue;
        if (!c) {
          contexts.set(id, (c = new Map()));
          if (contexts.size > MAX_CONTEXTS) contexts.delete(contexts.keys().next().value);
        }
        c.set(k, v);
      }
    }
    return c;
  };

  return {
    add(batch, meta) {
      const format = String(meta.contentType).includes('pagepace+binary') ? 'binary' : 'json';
      bytes[format] += meta.bytes ?? 0;
      batchesByFormat[format]++;
      let s = sessions.get(batch.sessionId);
      if (!s) s = { session: batch.sessionId, pages: new Set(), pageCount: 0, events: 0, last: 0, recent: [] };
      sessions.delete(batch.sessionId);
      sessions.set(batch.sessionId, s); // most recent last
      if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value);
      if (seen.size < MAX_SEEN) seen.add(batch.sessionId);
      // A page URL may be 8 KB and a session may send thousands: keep the first few, shortened.
      const shown = String(batch.page).slice(0, MAX_URL);
      if (!s.pages.has(shown)) {
        s.pageCount++;
        if (s.pages.size < MAX_PAGES) s.pages.add(shown);
      }
      s.last = batch.sentAt;
      const page = pathOf(batch.page);
      const context = contextOf(batch);
      for (const e of batch.events) {
        events++;
        s.events++;
        const t = thresholdsOf(e.name);
        s.recent.push({ kind: e.kind, name: e.name, value: e.value, unit: e.unit, page: shown, ts: e.ts, ...(t && Number.isFinite(e.value) ? { rating: rate(e.value, t) } : {}) });
        if (s.recent.length > 50) s.recent.shift();
        if (counters.add(e, batch.sessionId, page) || NOT_METRICS.has(e.kind) || !Number.isFinite(e.value)) continue;
        const route = e.attrs && Object.hasOwn(e.attrs, 'route') && typeof e.attrs.route === 'string' ? e.attrs.route : page;
        addMetric(e, route, e.kind === 'vital' && e.id ? `${batch.sessionId}\u0000${e.id}` : undefined, batch.sessionId, context);
      }
    },
    snapshot() {
      const all = store.summary();
      /** Keyed by metric names pages chose: no prototype to collide with. */
      const metrics = Object.create(null);
      for (const stored of store.metrics()) {
        const m = all[stored];
        if (!m || !('count' in m)) continue; // no values (all replaced away)
        const name = fromStore(stored);
        const v = vitals.get(name);
        metrics[name] = { ...m, ...info.get(name), ...(v ? { ratings: { ...v.ratings }, series: v.series() } : {}) };
      }
      return {
        events,
        sessions: seen.size,
        thresholds: THRESHOLDS,
        metrics,
        overall: all.overall.grade ?? null,
        routes: routeRows(store).map((r) => ({ ...r, sessions: [...why.routeSessions(r.route)] })),
        ...why.snapshot(),
        bytes,
        batchesByFormat,
        recent: [...sessions.values()].slice(-20).reverse().map((x) => ({ session: x.session, pages: [...x.pages], pageCount: x.pageCount, events: x.events, last: x.last, recent: x.recent.slice(-12) })),
        parts: counters.totals(),
        perClient: counters.medians(),
        at: Date.now(),
      };
    },
  };
}

/** The path of a page URL (the route of events that name none). */
function pathOf(page) {
  try {
    return new URL(page, 'http://x').pathname;
  } catch {
    return '/';
  }
}

/** The most reported routes, with the p75 of each vital (the field summary's per-route sketches). */
function routeRows(store) {
  const rows = [];
  for (const route of store.routes()) {
    let n = 0;
    for (const name of VITALS) n = Math.max(n, store.sketch(name, route)?.count ?? 0);
    if (n) rows.push({ route, n });
  }
  return rows
    .sort((a, b) => b.n - a.n)
    .slice(0, SHOWN_ROUTES)
    .map(({ route, n }) => ({
      route,
      n,
      metrics: Object.fromEntries(VITALS.flatMap((name) => {
        const s = store.sketch(name, route);
        return s?.count ? [[name, { count: s.count, p75: quantile(s, 0.75) }]] : [];
      })),
    }));
}

/**
 * One vital's time windows (a sketch per 5 s, for the charts) and its counts of good /
 * needs-improvement / poor values, both keeping only the latest value per (session, id).
 * @param {readonly [number, number]} thresholds
 */
function createVital(thresholds) {
  const ratings = { good: 0, 'needs-improvement': 0, poor: 0 };
  /** @type {Map<number, { sketch: import('../src/vitals/sketch').Sketch, row?: number[] }>} window start → sketch, and its chart row once computed */
  const windows = new Map();
  /** @type {Map<string, { value: number, window: number, rating: string }>} (session, id) → its latest value */
  const latest = new Map();

  const put = (value, w, remove) => {
    ratings[rate(value, thresholds)] += remove ? -1 : 1;
    let win = windows.get(w);
    if (remove) {
      if (!win) return; // its window was dropped already
      removeValue(win.sketch, value);
      if (!win.sketch.count) windows.delete(w);
    } else {
      if (!win) windows.set(w, (win = { sketch: createSketch() }));
      addValue(win.sketch, value);
      if (windows.size > MAX_WINDOWS) windows.delete(Math.min(...windows.keys()));
    }
    win.row = undefined;
  };

  return {
    ratings,
    add(value, ts, key) {
      const w = Math.floor((Number.isFinite(ts) ? ts : Date.now()) / WINDOW_MS) * WINDOW_MS;
      if (key !== undefined) {
        // The same bound and order as the field summary's ids, so both forget the same ones.
        const prev = latest.get(key);
        if (prev) put(prev.value, prev.window, true);
        latest.delete(key);
        latest.set(key, { value, window: w });
        if (latest.size > MAX_IDS) latest.delete(latest.keys().next().value);
      }
      put(value, w, false);
    },
    /** [seconds, p50, p75, p95, n] per window, oldest first. */
    series: () => [...windows.keys()].sort((a, b) => a - b).map((w) => {
      const win = windows.get(w);
      const s = win.sketch;
      return (win.row ??= [w / 1000, quantile(s, 0.5), quantile(s, 0.75), quantile(s, 0.95), s.count]);
    }),
  };
}

/**
 * What pagepace did, from the running totals pages report: the `pagepace`/`stats` event (its attrs
 * flatten `stats()`: `sent`, `lazy.loaded`, `prefetch.hits`, `sw.l1Hits`, …), `lazy` and
 * `prefetch` events, `prefetch.hit` events and the service worker's `sw` events
 * (`sw.l1.hits`, …). Each is a running total, so only its latest report counts: per (session,
 * page) for what one page counts (delivery, lazy loading, the page's prefetches), per session
 * for what the session or its service worker counts (prefetch hits and bytes, cache tiers).
 * Totals are kept by difference, so reading them costs nothing however many sessions there were.
 */
function createCounters() {
  /** @type {Map<string, number>} counter name → total */
  const sums = new Map();
  /** Counter names accepted so far: at most MAX_COUNTER_KEYS, so a page cannot grow the totals without bound. */
  const known = new Set();
  const accepted = (k) => known.has(k) || (known.size < MAX_COUNTER_KEYS && !!known.add(k));
  const bump = (k, v) => sums.set(k, (sums.get(k) ?? 0) + v);
  /** @type {Map<string, Record<string, number>>} */
  const pages = new Map();
  /** @type {Map<string, Record<string, number>>} */
  const sessions = new Map();
  /**
   * What one client typically has, as the median over sessions of their latest report: per tier
   * the p50 latency of hits (of sessions with hits there), and the bytes each cache stores.
   * @type {Array<[string, (rec: Record<string, number>) => boolean, import('../src/vitals/sketch').Sketch]>}
   */
  const typical = [
    ...['l1', 'l2', 'network'].map((t) => [`sw.${t}P50`, (rec) => (rec.get(`sw.${t}Hits`) ?? 0) > 0, createSketch()]),
    ...['sw.l1Bytes', 'sw.l2Bytes'].map((k) => [k, () => true, createSketch()]),
  ];

  /** What a record adds to the totals: its counters; for a session also prefetch hits and typical values. */
  const count = (rec, sign, session) => {
    for (const [k, v] of rec) if (!RATIOS.test(k)) bump(k, sign * v);
    if (!session) return;
    // Hits counted by the session's ledger, or by the hit events seen, whichever says more.
    const used = Math.max(rec.get('prefetch.hits') ?? 0, rec.get('prefetch.hitEvents') ?? 0);
    bump('prefetch.used', sign * used);
    for (const [k, when, s] of typical) if (Number.isFinite(rec.get(k)) && when(rec)) (sign > 0 ? addValue : removeValue)(s, rec.get(k));
  };
  /** Replaces the counters of `key` that `values` (a Map) names. */
  const update = (map, key, values, session) => {
    if (!values.size) return;
    const old = map.get(key);
    if (old) count(old, -1, session);
    const rec = new Map([...(old ?? []), ...values]);
    count(rec, 1, session);
    map.delete(key);
    map.set(key, rec);
    if (map.size > MAX_COUNTER_RECORDS) map.delete(map.keys().next().value);
  };
  /** The finite numbers of `entries` under accepted names, as a Map. */
  const numbers = (entries) => new Map(entries.filter(([k, v]) => typeof v === 'number' && Number.isFinite(v) && accepted(k)));

  return {
    /** Takes a counter event; false when `e` is not one. */
    add(e, sessionId, page) {
      const a = e.attrs ?? {};
      const own = (k) => (Object.hasOwn(a, k) ? a[k] : undefined);
      let perPage = new Map();
      let perSession = new Map();
      if (e.kind === 'pagepace' && e.name === 'stats') {
        for (const [k, v] of numbers(Object.entries(a))) (SESSION_SCOPED.test(k) ? perSession : perPage).set(k, v);
      } else if (e.kind === 'lazy' && e.name === 'lazy') {
        perPage = numbers([['lazy.loaded', e.value], ...Object.entries(a).map(([k, v]) => [`lazy.${k}`, v])]);
      } else if (e.kind === 'prefetch' && e.name === 'prefetch') {
        perPage = numbers([['prefetch.page', e.value]]);
        perSession = numbers(['hits', 'bytes', 'wastedBytes'].map((k) => [`prefetch.${k}`, own(k)]));
      } else if (e.kind === 'prefetch' && e.name === 'prefetch.hit') {
        perSession = new Map([['prefetch.hitEvents', (sessions.get(sessionId)?.get('prefetch.hitEvents') ?? 0) + 1]]);
      } else if (e.kind === 'sw' && e.name.startsWith('sw.')) {
        // sw.l1.hits → sw.l1Hits: the names the stats event uses.
        perSession = numbers([[e.name.replace(/^sw\.(l1|l2|network)\.(\w)/, (_, t, c) => `sw.${t}${c.toUpperCase()}`), e.value]]);
      } else return false;
      update(pages, `${sessionId}\u0000${page}`, perPage, false);
      update(sessions, sessionId, perSession, true);
      return true;
    },
    /** The totals of every counter. */
    totals: () => Object.fromEntries(sums),
    /** Per client: the median of the sessions' p50 hit latency per tier and of their bytes stored (null without any). */
    medians: () => Object.fromEntries(typical.map(([k, , s]) => [k, s.count ? quantile(s, 0.5) : null])),
  };
}

/** Counters of a session (its prefetch ledger) or of its service worker, rather than of one page. */
const SESSION_SCOPED = /^(sw\.|prefetch\.(prefetched|hits|hitRate|bytes|wastedBytes)$)/;
/** Not counters: ratios and percentiles do not add up. */
const RATIOS = /(P50|P95|hitRate)$/;
