// Field view: what the demo collector has seen across every session, summarised for the dashboard
// with the same streaming percentile sketch the browser uses (pagepace/vitals): bounded memory,
// within 0.5 % of the exact percentile. At most MAX_WINDOWS time windows per metric.
import { addValue, createSketch, quantile, removeValue } from '../dist/vitals.js';

const MAX_WINDOWS = 120;
const WINDOW_MS = 5_000;
const QS = [0.5, 0.75, 0.9, 0.95, 0.99];
export const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
const THRESHOLDS = { LCP: [2500, 4000], INP: [200, 500], CLS: [0.1, 0.25], FCP: [1800, 3000], TTFB: [800, 1800] };

/** Percentile from a sketch, null when it is empty. */
const pct = (sketch, q) => (sketch.count ? quantile(sketch, q) : null);
const grade = (v, [good, poor]) => (v <= good ? (v <= good / 2 ? 'A' : 'B') : v <= poor ? (v <= (good + poor) / 2 ? 'C' : 'D') : 'F');
const rate = (v, [good, poor]) => (v <= good ? 'good' : v <= poor ? 'needs-improvement' : 'poor');

/** Creates the aggregator: `add(batch, meta)` for every accepted batch, `snapshot()` for the dashboard. */
export function createField() {
  /** @type {Map<string, { values: import('../src/vitals/sketch').Sketch, ratings: Record<string, number>, windows: Map<number, import('../src/vitals/sketch').Sketch>, unit?: string, kind: string }>} */
  const metrics = new Map();
  /** @type {Map<string, Map<string, import('../src/vitals/sketch').Sketch>>} route → metric → sketch */
  const routes = new Map();
  const bytes = { binary: 0, json: 0, otlp: 0 };
  const batchesByFormat = { binary: 0, json: 0, otlp: 0 };
  /** @type {Map<string, { session: string, pages: Set<string>, events: number, last: number, recent: object[], stats?: Record<string, unknown> }>} */
  const sessions = new Map();
  // Vitals are reported again as they change: keep one value per metric id.
  /** @type {Map<string, { name: string, value: number }>} */
  const byId = new Map();
  let events = 0;

  const metric = (e) => {
    let m = metrics.get(e.name);
    if (!m) metrics.set(e.name, (m = { values: createSketch(), ratings: { good: 0, 'needs-improvement': 0, poor: 0 }, windows: new Map(), unit: e.unit, kind: e.kind }));
    return m;
  };

  return {
    add(batch, meta) {
      const format = String(meta.contentType).includes('pagepace+binary') ? 'binary' : 'json';
      bytes[format] += meta.bytes ?? 0;
      batchesByFormat[format]++;
      let s = sessions.get(batch.sessionId);
      if (!s) sessions.set(batch.sessionId, (s = { session: batch.sessionId, pages: new Set(), events: 0, last: 0, recent: [] }));
      sessions.delete(batch.sessionId);
      sessions.set(batch.sessionId, s); // most recent last
      if (sessions.size > 500) sessions.delete(sessions.keys().next().value);
      s.pages.add(batch.page);
      s.last = batch.sentAt;
      for (const e of batch.events) {
        events++;
        s.events++;
        s.recent.push({ kind: e.kind, name: e.name, value: e.value, rating: e.rating, page: batch.page, ts: e.ts });
        if (s.recent.length > 50) s.recent.shift();
        if (e.kind === 'pagepace' && e.name === 'stats') {
          s.stats = e.attrs;
          continue;
        }
        // Per-resource events name a URL each: they belong in the feed, not in the metric table.
        if (e.kind === 'pagepace' || e.kind === 'resource') continue;
        if (e.kind === 'vital' && e.id) {
          const key = `${batch.sessionId}:${e.id}`;
          const prev = byId.get(key);
          // A later report of the same metric replaces its earlier value.
          if (prev) removeValue(metric(e).values, prev.value);
          byId.set(key, { name: e.name, value: e.value });
          if (byId.size > 50_000) byId.delete(byId.keys().next().value);
        }
        const m = metric(e);
        addValue(m.values, e.value);
        if (e.rating) m.ratings[e.rating]++;
        const w = Math.floor(e.ts / WINDOW_MS) * WINDOW_MS;
        const win = m.windows.get(w) ?? createSketch();
        addValue(win, e.value);
        m.windows.set(w, win);
        if (m.windows.size > MAX_WINDOWS) m.windows.delete(Math.min(...m.windows.keys()));
        const route = typeof e.attrs?.route === 'string' ? e.attrs.route : new URL(batch.page, 'http://x').pathname;
        let r = routes.get(route);
        if (!r) routes.set(route, (r = new Map()));
        const rv = r.get(e.name) ?? createSketch();
        addValue(rv, e.value);
        r.set(e.name, rv);
        if (routes.size > 200) routes.delete(routes.keys().next().value);
      }
    },
    snapshot() {
      const out = {};
      const grades = [];
      for (const [name, m] of metrics) {
        const s = { count: m.values.count, unit: m.unit, kind: m.kind, ratings: m.ratings };
        for (const q of QS) s[`p${Math.round(q * 100)}`] = pct(m.values, q);
        const t = THRESHOLDS[name];
        if (t && m.values.count) {
          s.rating = rate(s.p75, t);
          s.grade = grade(s.p75, t);
          grades.push(s.grade);
        }
        s.series = [...m.windows.entries()].sort((a, b) => a[0] - b[0]).map(([t0, w]) => [t0 / 1000, pct(w, 0.5), pct(w, 0.75), pct(w, 0.95)]);
        out[name] = s;
      }
      const points = { A: 4, B: 3, C: 2, D: 1, F: 0 };
      const overall = grades.length ? 'FDCBA'[Math.floor(grades.reduce((a, g) => a + points[g], 0) / grades.length)] : null;
      const routeRows = [...routes].slice(-30).map(([route, ms]) => ({
        route,
        metrics: Object.fromEntries([...ms].map(([n, v]) => [n, { count: v.count, p75: pct(v, 0.75) }])),
      }));
      const recent = [...sessions.values()].slice(-20).reverse().map((s) => ({ session: s.session, pages: [...s.pages], events: s.events, last: s.last, recent: s.recent.slice(-12), stats: s.stats }));
      // What pagepace did: the latest stats each session reported, summed over every session kept.
      const parts = {};
      for (const x of sessions.values()) for (const [k, v] of Object.entries(x.stats ?? {})) if (typeof v === 'number') parts[k] = (parts[k] ?? 0) + v;
      return { events, sessions: sessions.size, metrics: out, overall, routes: routeRows, bytes, batchesByFormat, recent, parts, at: Date.now() };
    },
  };
}
