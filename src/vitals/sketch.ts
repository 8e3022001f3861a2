/**
 * Streaming percentiles in bounded memory: a log-bucketed histogram in the manner of DDSketch
 * (Masson, Rim & Lee, VLDB 2019). Pure and isomorphic: no DOM, no Node APIs, so the browser's
 * `summary()`, the collector's field view and the dashboard all share it.
 *
 * Error bound: a quantile estimate x̂ of the exact nearest-rank value x satisfies
 * |x̂ − x| ≤ α·|x| (α = `alpha`, default 0.5 %, so well inside 1 %) for every value whose
 * magnitude is at least {@link MIN_VALUE} (smaller ones count as zero) and whose rank does not
 * fall in a collapsed bucket. Collapsing only happens past `maxBuckets` distinct buckets per sign
 * (2,048 by default: a dynamic range of ~10^8.9 at α = 0.5 %) and only folds the smallest
 * magnitudes together. Up to {@link EXACT_LIMIT} values are kept as they are, so the small
 * samples of a single page (one LCP, a few INPs) give exact percentiles and exact ratings.
 */

import { createSketch, EXACT_LIMIT, exactAt, rankOf, tally } from './exact';
import type { Sketch, SketchOps } from './exact';

export { createSketch, DEFAULT_ALPHA, DEFAULT_MAX_BUCKETS, EXACT_LIMIT } from './exact';
export type { Sketch, SketchOps } from './exact';

/** The JSON form of a sketch (compact: buckets as [firstIndex, count, indexDelta, count, …]). */
export interface SketchJSON {
  a: number;
  m: number;
  n: number;
  s: number;
  lo: number;
  hi: number;
  z: number;
  x?: number[];
  p?: number[];
  q?: number[];
}

/** Magnitudes below this count as zero (10^-9 of a millisecond, byte or CLS unit is noise). */
export const MIN_VALUE = 1e-9;

const gammaLn = (s: Sketch) => Math.log((1 + s.alpha) / (1 - s.alpha));

/** Bucket i holds magnitudes in (γ^(i−1), γ^i]. */
const indexOf = (s: Sketch, v: number) => Math.ceil(Math.log(v) / gammaLn(s));

/** The value that represents bucket i: within α of every magnitude the bucket holds. */
const valueOf = (s: Sketch, i: number) => (2 * Math.exp(i * gammaLn(s))) / (1 + Math.exp(gammaLn(s)));

function bump(s: Sketch, v: number, n: number): void {
  const a = Math.abs(v);
  if (a < MIN_VALUE) {
    s.zero = Math.max(0, s.zero + n);
    return;
  }
  const store = v > 0 ? s.pos : s.neg;
  const i = floorIndex(store, indexOf(s, a));
  const c = (store.get(i) ?? 0) + n;
  if (c > 0) store.set(i, c);
  else store.delete(i);
  if (store.size > s.maxBuckets) collapse(store, s.maxBuckets);
}

/** After a collapse, indices below the floor go to the floor bucket (kept as a property of the Map). */
const FLOOR = 'floor';
type Store = Map<number, number> & { [FLOOR]?: number };
const floorIndex = (store: Store, i: number) => (store[FLOOR] !== undefined && i < store[FLOOR] ? store[FLOOR] : i);

/** Folds the smallest magnitudes together so that at most `max` buckets remain (as DDSketch does). */
function collapse(store: Store, max: number): void {
  const keys = [...store.keys()].sort((a, b) => a - b);
  const cut = keys.length - max;
  const floor = keys[cut]!;
  let moved = 0;
  for (let k = 0; k < cut; k++) {
    moved += store.get(keys[k]!)!;
    store.delete(keys[k]!);
  }
  store.set(floor, store.get(floor)! + moved);
  store[FLOOR] = floor;
}

function fold(s: Sketch): void {
  const values = s.exact!;
  s.exact = undefined;
  for (const v of values) bump(s, v, 1);
}

/** Adds `n` occurrences of a finite value (non-finite values are ignored). */
export function addValue(s: Sketch, v: number, n = 1): void {
  if (!Number.isFinite(v) || !(n > 0)) return;
  tally(s, v, n);
  if (s.exact) {
    for (let k = 0; k < n; k++) s.exact.push(v);
    if (s.exact.length > EXACT_LIMIT) fold(s);
  } else bump(s, v, n);
}

/**
 * Removes one occurrence of a value added before (e.g. the superseded report of a web vital).
 * `min`/`max` stay as bounds: they are only used to clamp estimates.
 */
export function removeValue(s: Sketch, v: number): void {
  if (!Number.isFinite(v) || s.count === 0) return;
  if (s.exact) {
    const at = s.exact.indexOf(v);
    if (at < 0) return;
    s.exact.splice(at, 1);
  } else bump(s, v, -1);
  tally(s, v, -1);
}

/**
 * The value at quantile q (0–1) by nearest rank, the same definition as {@link percentile}:
 * exact while the sketch is small, within α relative afterwards. NaN when empty.
 */
export function quantile(s: Sketch, q: number): number {
  if (s.count <= 0) return NaN;
  const rank = rankOf(s.count, q);
  if (s.exact) return exactAt(s, rank);
  let seen = 0;
  let out = NaN;
  // Ascending order: negatives from the largest magnitude down, zeros, then positives upwards.
  const walk = (store: Map<number, number>, sign: number, desc: boolean): boolean => {
    const keys = [...store.keys()].sort((a, b) => (desc ? b - a : a - b));
    for (const k of keys) {
      seen += store.get(k)!;
      if (seen > rank) {
        out = sign * valueOf(s, k);
        return true;
      }
    }
    return false;
  };
  if (!walk(s.neg, -1, true)) {
    seen += s.zero;
    if (seen > rank) out = 0;
    else walk(s.pos, 1, false);
  }
  // Clamping to what was seen keeps extremes exact and estimates inside the data's range.
  return Math.min(s.max, Math.max(s.min, out));
}

/** These functions as a summary takes them (summary.ts): the bucketed sketch, bounded however many values come. */
export const SKETCH_OPS: SketchOps = { add: addValue, remove: removeValue, quantile };

/** Several quantiles at once, e.g. `quantiles(s, [0.5, 0.75, 0.9, 0.95, 0.99])`. */
export function quantiles(s: Sketch, qs: readonly number[]): number[] {
  return qs.map((q) => quantile(s, q));
}

/**
 * Adds everything of `from` into `into` (same α required: buckets of different widths do not
 * line up). `from` is left unchanged.
 * @throws RangeError when the accuracies differ.
 */
export function mergeSketch(into: Sketch, from: Sketch): Sketch {
  if (Math.abs(into.alpha - from.alpha) > 1e-12) throw new RangeError(`cannot merge sketches of alpha ${into.alpha} and ${from.alpha}`);
  if (from.count <= 0) return into;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
  if (from.exact && into.exact && into.exact.length + from.exact.length <= EXACT_LIMIT) {
    into.exact.push(...from.exact);
  } else {
    if (into.exact) fold(into);
    if (from.exact) for (const v of from.exact) bump(into, v, 1);
    else {
      into.zero += from.zero;
      for (const [k, c] of from.pos) bump(into, valueOf(from, k), c);
      for (const [k, c] of from.neg) bump(into, -valueOf(from, k), c);
    }
  }
  into.count += from.count;
  into.sum += from.sum;
  return into;
}

const packStore = (store: Map<number, number>): number[] => {
  const out: number[] = [];
  let prev = 0;
  for (const k of [...store.keys()].sort((a, b) => a - b)) {
    out.push(k - prev, store.get(k)!);
    prev = k;
  }
  return out;
};

/** The sketch as compact JSON-safe data (round-trips through {@link sketchFromJSON}). */
export function sketchToJSON(s: Sketch): SketchJSON {
  const j: SketchJSON = { a: s.alpha, m: s.maxBuckets, n: s.count, s: s.sum, lo: s.count ? s.min : 0, hi: s.count ? s.max : 0, z: s.zero };
  if (s.exact) j.x = [...s.exact];
  else {
    if (s.pos.size) j.p = packStore(s.pos);
    if (s.neg.size) j.q = packStore(s.neg);
  }
  return j;
}

const bad = (what: string): never => {
  throw new TypeError(`invalid sketch JSON: ${what}`);
};
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function unpackStore(s: Sketch, list: unknown, sign: number): number {
  if (list === undefined) return 0;
  if (!Array.isArray(list) || list.length % 2 || !list.every(isNum)) return bad('buckets must be an even-length array of numbers');
  let k = 0;
  let total = 0;
  for (let i = 0; i < list.length; i += 2) {
    k += list[i]!;
    const c = list[i + 1]!;
    if (!Number.isInteger(k) || !Number.isInteger(c) || c <= 0) bad('bucket indices and counts must be integers, counts positive');
    bump(s, sign * valueOf(s, k), c);
    total += c;
  }
  return total;
}

/**
 * Rebuilds a sketch from {@link sketchToJSON}'s output (or parsed JSON of it).
 * @throws TypeError on anything malformed, so untrusted input cannot make a corrupt sketch.
 */
export function sketchFromJSON(j: unknown): Sketch {
  if (!j || typeof j !== 'object') return bad('not an object');
  const o = j as Record<string, unknown>;
  for (const k of ['a', 'm', 'n', 's', 'lo', 'hi', 'z'] as const) if (!isNum(o[k])) bad(`${k} must be a finite number`);
  const a = o.a as number;
  const m = o.m as number;
  if (!(a > 0 && a < 1) || !Number.isInteger(m) || m < 8) bad('a must be in (0, 1) and m an integer ≥ 8');
  const s = createSketch(a, m);
  const n = o.n as number;
  const z = o.z as number;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(z) || z < 0) bad('n and z must be non-negative integers');
  let total: number;
  if (o.x !== undefined) {
    if (!Array.isArray(o.x) || !o.x.every(isNum) || o.x.length > EXACT_LIMIT) bad(`x must be at most ${EXACT_LIMIT} finite numbers`);
    s.exact = [...(o.x as number[])];
    total = s.exact.length;
  } else {
    s.exact = undefined;
    s.zero = z;
    total = z + unpackStore(s, o.p, 1) + unpackStore(s, o.q, -1);
  }
  if (total !== n) bad(`counts add up to ${total}, not n = ${n}`);
  s.count = n;
  s.sum = o.s as number;
  s.min = n ? (o.lo as number) : Infinity;
  s.max = n ? (o.hi as number) : -Infinity;
  return s;
}
