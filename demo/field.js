// Field view: what the demo collector has seen across every session, summarised for the dashboard
// with the library's own code (pagepace/vitals): `createFieldSummary`'s streaming percentile
// sketches (bounded memory, within 0.5 % of the exact percentile), Google's `THRESHOLDS`, `rate`
// and the A–F grades of `summarise`. Nothing here grades or computes a percentile by itself.
//
// Web vitals are reported again under the same id as they change (CLS grows, INP gets worse): only
// the latest value per (session, id) counts, in the totals, per route, per time window and in the
// rating shares, which are the values' ratings against the same thresholds as the grades (never
// the rating an event carries, which may come from other thresholds or be absent).
import { addValue, createFieldSummary, createSketch, quantile, rate, removeValue, THRESHOLDS } from '../dist/vitals.js';

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
  /** @type {Map<string, { session: string, pages: Set<string>, events: number, last: number, recent: object[] }>} */
  const sessions = new Map();
  /** Every session seen (up to a bound), for the count: the list above keeps only the latest. */
  const seen = new Set();
  let events = 0;

  /** Adds one metric value; `key` names a vital's (session, id), whose earlier value it replaces. */
  const addMetric = (e, route, key) => {
    if (!info.has(e.name) && info.size < 1000) info.set(e.name, { unit: e.unit, kind: e.kind });
    // The field summary replaces a vital's earlier report by id: the id made unique per session.
    store.add({ kind: e.kind, name: e.name, value: e.value, ts: e.ts, id: key, attrs: { route } });
    const t = THRESHOLDS[e.name];
    if (!t) return;
    let v = vitals.get(e.name);
    if (!v) vitals.set(e.name, (v = createVital(t)));
    v.add(e.value, e.ts, key);
  };

  return {
    add(batch, meta) {
      const format = String(meta.contentType).includes('pagepace+binary') ? 'binary' : 'json';
      bytes[format] += meta.bytes ?? 0;
      batchesByFormat[format]++;
      let s = sessions.get(batch.sessionId);
      if (!s) s = { session: batch.sessionId, pages: new Set(), events: 0, last: 0, recent: [] };
      sessions.delete(batch.sessionId);
      sessions.set(batch.sessionId, s); // most recent last
      if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value);
      if (seen.size < MAX_SEEN) seen.add(batch.sessionId);
      s.pages.add(batch.page);
      s.last = batch.sentAt;
      const page = pathOf(batch.page);
      for (const e of batch.events) {
        events++;
        s.events++;
        s.recent.push({ kind: e.kind, name: e.name, value: e.value, unit: e.unit, page: batch.page, ts: e.ts, ...(THRESHOLDS[e.name] && Number.isFinite(e.value) ? { rating: rate(e.value, THRESHOLDS[e.name]) } : {}) });
        if (s.recent.length > 50) s.recent.shift();
        if (counters.add(e, batch.sessionId, page) || NOT_METRICS.has(e.kind) || !Number.isFinite(e.value)) continue;
        const route = typeof e.attrs?.route === 'string' ? e.attrs.route : page;
        addMetric(e, route, e.kind === 'vital' && e.id ? `${batch.sessionId}\u0000${e.id}` : undefined);
      }
    },
    snapshot() {
      const all = store.summary();
      const metrics = {};
      for (const name of store.metrics()) {
        const m = all[name];
        if (!m || !('count' in m)) continue; // no values (all replaced away)
        const v = vitals.get(name);
        metrics[name] = { ...m, ...info.get(name), ...(v ? { ratings: { ...v.ratings }, series: v.series() } : {}) };
      }
      return {
        events,
        sessions: seen.size,
        thresholds: THRESHOLDS,
        metrics,
        overall: all.overall.grade ?? null,
        routes: routeRows(store),
        bytes,
        batchesByFormat,
        recent: [...sessions.values()].slice(-20).reverse().map((x) => ({ session: x.session, pages: [...x.pages], events: x.events, last: x.last, recent: x.recent.slice(-12) })),
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
  /** @type {Record<string, number>} */
  const sums = {};
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
    ...['l1', 'l2', 'network'].map((t) => [`sw.${t}P50`, (rec) => (rec[`sw.${t}Hits`] ?? 0) > 0, createSketch()]),
    ...['sw.l1Bytes', 'sw.l2Bytes'].map((k) => [k, () => true, createSketch()]),
  ];

  /** What a record adds to the totals: its counters; for a session also prefetch hits and typical values. */
  const count = (rec, sign, session) => {
    for (const [k, v] of Object.entries(rec)) if (!RATIOS.test(k)) sums[k] = (sums[k] ?? 0) + sign * v;
    if (!session) return;
    // Hits counted by the session's ledger, or by the hit events seen, whichever says more.
    const used = Math.max(rec['prefetch.hits'] ?? 0, rec['prefetch.hitEvents'] ?? 0);
    sums['prefetch.used'] = (sums['prefetch.used'] ?? 0) + sign * used;
    for (const [k, when, s] of typical) if (Number.isFinite(rec[k]) && when(rec)) (sign > 0 ? addValue : removeValue)(s, rec[k]);
  };
  /** Replaces the counters of `key` that `values` names. */
  const update = (map, key, values, session) => {
    if (!Object.keys(values).length) return;
    const old = map.get(key);
    if (old) count(old, -1, session);
    const rec = { ...old, ...values };
    count(rec, 1, session);
    map.delete(key);
    map.set(key, rec);
    if (map.size > MAX_COUNTER_RECORDS) map.delete(map.keys().next().value);
  };
  const numbers = (entries) => Object.fromEntries(entries.filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));

  return {
    /** Takes a counter event; false when `e` is not one. */
    add(e, sessionId, page) {
      const a = e.attrs ?? {};
      let perPage = {};
      let perSession = {};
      if (e.kind === 'pagepace' && e.name === 'stats') {
        for (const [k, v] of Object.entries(numbers(Object.entries(a)))) (SESSION_SCOPED.test(k) ? perSession : perPage)[k] = v;
      } else if (e.kind === 'lazy' && e.name === 'lazy') {
        perPage = numbers([['lazy.loaded', e.value], ...Object.entries(a).map(([k, v]) => [`lazy.${k}`, v])]);
      } else if (e.kind === 'prefetch' && e.name === 'prefetch') {
        perPage = numbers([['prefetch.page', e.value]]);
        perSession = numbers(['hits', 'bytes', 'wastedBytes'].map((k) => [`prefetch.${k}`, a[k]]));
      } else if (e.kind === 'prefetch' && e.name === 'prefetch.hit') {
        perSession = { 'prefetch.hitEvents': (sessions.get(sessionId)?.['prefetch.hitEvents'] ?? 0) + 1 };
      } else if (e.kind === 'sw' && e.name.startsWith('sw.')) {
        // sw.l1.hits → sw.l1Hits: the names the stats event uses.
        perSession = numbers([[e.name.replace(/^sw\.(l1|l2|network)\.(\w)/, (_, t, c) => `sw.${t}${c.toUpperCase()}`), e.value]]);
      } else return false;
      update(pages, `${sessionId}\u0000${page}`, perPage, false);
      update(sessions, sessionId, perSession, true);
      return true;
    },
    /** The totals of every counter. */
    totals: () => ({ ...sums }),
    /** Per client: the median of the sessions' p50 hit latency per tier and of their bytes stored (null without any). */
    medians: () => Object.fromEntries(typical.map(([k, , s]) => [k, s.count ? quantile(s, 0.5) : null])),
  };
}

/** Counters of a session (its prefetch ledger) or of its service worker, rather than of one page. */
const SESSION_SCOPED = /^(sw\.|prefetch\.(prefetched|hits|hitRate|bytes|wastedBytes)$)/;
/** Not counters: ratios and percentiles do not add up. */
const RATIOS = /(P50|P95|hitRate)$/;
