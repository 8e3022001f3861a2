// "What to fix": for the field view, per vital the p75 of each part of its breakdown, the LCP
// elements and INP targets and scripts that explain most of the slow tail, the p75 by device and
// connection class, and the sessions behind each row. Fed the latest report of each web vital
// (demo/field.js replaces a vital reported again by removing its earlier record first), so every
// figure here can be taken back. Every key is a string a page sent: Maps only, bounded, truncated.
import { addValue, createSketch, quantile, removeValue } from '../dist/vitals.js';

/** The breakdown parts, in order, as web-vitals' attribution build names them (attrs `attribution.<part>`). */
export const PARTS = {
  LCP: ['timeToFirstByte', 'resourceLoadDelay', 'resourceLoadDuration', 'elementRenderDelay'],
  INP: ['inputDelay', 'processingDuration', 'presentationDelay'],
};
/** What a slow value can be blamed on: a label, and the attrs that name it (the first present wins). */
export const CULPRITS = {
  LCP: [['element', ['attribution.target']], ['resource', ['attribution.url']]],
  INP: [['target', ['attribution.interactionTarget']], ['script', ['attribution.longestScript.sourceURL', 'attribution.longestScript.invoker']]],
};
/** Splits: a label and the attrs that give the class (a vital's own, else its page view's context). */
export const SPLITS = [['device', ['device', 'viewport']], ['connection', ['effectiveType']]];
/** Rows kept per table (culprits of one kind, classes of one split); later keys count as "(other)". */
const MAX_ROWS = 1000;
/** Rows shown per table. */
const SHOWN = 10;
/** Sessions remembered per row: the most recent. */
const SESSIONS_PER_ROW = 8;
/** Characters kept of a key (a selector, a URL, a class). */
const MAX_KEY = 200;
export const OTHER = '(other)';

/** A string attr as a row key: trimmed, bounded; undefined when absent or empty. */
export const keyOf = (v) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, MAX_KEY) : undefined);

/** Remembers `session` as the most recent of a row's sessions. */
function touch(sessions, session) {
  const at = sessions.indexOf(session);
  if (at >= 0) sessions.splice(at, 1);
  sessions.push(session);
  if (sessions.length > SESSIONS_PER_ROW) sessions.shift();
}

/** A bounded Map of rows made by `make`, with one "(other)" row for keys past the bound. */
function createRows(make) {
  const rows = new Map();
  return {
    rows,
    row(key) {
      let r = rows.get(key);
      if (!r) {
        if (rows.size >= MAX_ROWS) key = OTHER;
        r = rows.get(key);
        if (!r) rows.set(key, (r = make()));
      }
      return r;
    },
  };
}

/**
 * A view record: `{ name, value, session, route, parts?: number[], culprits: [label, key][],
 * splits: [label, key][] }`, made by {@link recordOf}.
 * @param {Record<string, readonly [number, number]>} thresholds good/poor boundaries per vital
 */
export function createWhy(thresholds) {
  /** @type {Map<string, ReturnType<typeof createSketch>[]>} vital → one sketch per part */
  const parts = new Map(Object.entries(PARTS).map(([name, list]) => [name, list.map(() => createSketch())]));
  /** @type {Map<string, ReturnType<typeof createRows>>} `${vital}\0${label}` → culprit rows */
  const culprits = new Map();
  /** @type {Map<string, ReturnType<typeof createRows>>} split label → class rows */
  const splits = new Map(SPLITS.map(([label]) => [label, createRows(() => ({ vitals: new Map(), sessions: [] }))]));
  /** Per vital: values counted and time over the good threshold, for the culprits' shares. */
  const tails = new Map();
  const routes = createRows(() => ({ sessions: [] }));

  const put = (rec, sign) => {
    const t = thresholds[rec.name];
    const over = t ? Math.max(0, rec.value - t[0]) : 0;
    let tail = tails.get(rec.name);
    if (!tail) tails.set(rec.name, (tail = { n: 0, over: 0 }));
    tail.n += sign;
    tail.over += sign * over;
    const sketches = parts.get(rec.name);
    if (sketches && rec.parts) rec.parts.forEach((v, i) => (sign > 0 ? addValue : removeValue)(sketches[i], v));
    for (const [label, key] of rec.culprits) {
      const id = `${rec.name}\u0000${label}`;
      let table = culprits.get(id);
      if (!table) culprits.set(id, (table = createRows(() => ({ n: 0, slow: 0, over: 0, sessions: [] }))));
      const r = table.row(key);
      r.n += sign;
      r.slow += sign * (over > 0 ? 1 : 0);
      r.over += sign * over;
      if (sign > 0) touch(r.sessions, rec.session);
    }
    for (const [label, key] of rec.splits) {
      const r = splits.get(label).row(key);
      let s = r.vitals.get(rec.name);
      if (!s) r.vitals.set(rec.name, (s = createSketch()));
      (sign > 0 ? addValue : removeValue)(s, rec.value);
      if (sign > 0) touch(r.sessions, rec.session);
    }
    if (sign > 0) touch(routes.row(rec.route).sessions, rec.session);
  };

  return {
    add: (rec) => put(rec, 1),
    remove: (rec) => put(rec, -1),
    /** The sessions behind a route (most recent last). */
    routeSessions: (route) => routes.rows.get(route)?.sessions ?? [],
    snapshot() {
      const breakdown = {};
      for (const [name, sketches] of parts) {
        if (!sketches[0].count) continue;
        breakdown[name] = PARTS[name].map((part, i) => ({ part, count: sketches[i].count, p75: sketches[i].count ? quantile(sketches[i], 0.75) : null }));
      }
      const blame = {};
      for (const [name, kinds] of Object.entries(CULPRITS)) {
        const tail = tails.get(name) ?? { n: 0, over: 0 };
        for (const [label] of kinds) {
          const table = culprits.get(`${name}\u0000${label}`);
          if (!table) continue;
          // Ranked by the time over the good threshold that their values add up to: fixing the
          // first row takes that share off the slow tail.
          (blame[name] ??= []).push({
            label,
            threshold: thresholds[name]?.[0] ?? null,
            rows: [...table.rows].filter(([, r]) => r.n > 0).sort((a, b) => b[1].over - a[1].over || b[1].n - a[1].n).slice(0, SHOWN)
              .map(([key, r]) => ({ key, n: r.n, slow: r.slow, share: tail.over > 0 ? r.over / tail.over : 0, meanOver: r.slow ? r.over / r.slow : 0, sessions: [...r.sessions] })),
          });
        }
      }
      const split = {};
      for (const [label, table] of splits) {
        split[label] = [...table.rows]
          .map(([key, r]) => ({ key, n: Math.max(0, ...[...r.vitals.values()].map((s) => s.count)), r }))
          .filter((x) => x.n > 0)
          .sort((a, b) => b.n - a.n)
          .slice(0, SHOWN)
          .map(({ key, n, r }) => ({ key, n, sessions: [...r.sessions], p75: Object.fromEntries([...r.vitals].filter(([, s]) => s.count).map(([v, s]) => [v, quantile(s, 0.75)])) }));
      }
      return { breakdown, blame, split };
    },
  };
}

/**
 * The record of one vital event for {@link createWhy}: its parts (when all are numbers), culprits
 * and split classes, from its attrs or else its page view's `context`.
 */
export function recordOf(e, session, route, context) {
  const a = e.attrs ?? {};
  const own = (k) => (Object.hasOwn(a, k) ? a[k] : undefined);
  const list = PARTS[e.name];
  const values = list?.map((p) => own(`attribution.${p}`));
  const culprits = [];
  for (const [label, attrs] of (Object.hasOwn(CULPRITS, e.name) ? CULPRITS[e.name] : [])) {
    const key = attrs.map((k) => keyOf(own(k))).find((k) => k !== undefined);
    if (key !== undefined) culprits.push([label, key]);
  }
  const splits = SPLITS.map(([label, attrs]) => [label, attrs.map((k) => keyOf(own(k)) ?? keyOf(context?.get(k))).find((k) => k !== undefined) ?? 'unknown']);
  return {
    name: e.name,
    value: e.value,
    session,
    route,
    ...(values?.every((v) => typeof v === 'number' && Number.isFinite(v)) ? { parts: values } : {}),
    culprits,
    splits,
  };
}
