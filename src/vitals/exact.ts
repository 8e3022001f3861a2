/**
 * A sketch's data, and what it does while it is small: every value kept as it is. A page's
 * `summary()` needs only this for the first {@link EXACT_LIMIT} values of a metric (one LCP, a few
 * INPs), so the bucket code (sketch.ts) is a chunk the page fetches only when a metric has more.
 */

/** A sketch. Plain data; use the functions of sketch.ts (or {@link SketchOps}) on it. */
export interface Sketch {
  /** Relative accuracy α. */
  readonly alpha: number;
  /** Most buckets kept per sign. */
  readonly maxBuckets: number;
  /** Number of values. */
  count: number;
  /** Sum of values (for the mean). */
  sum: number;
  /** Smallest and largest values seen (bounds, once values were removed): estimates are clamped to them. */
  min: number;
  max: number;
  /** Values kept exactly while the sketch is small; `undefined` once folded into buckets. */
  exact: number[] | undefined;
  /** Values of magnitude below `MIN_VALUE` (sketch.ts). */
  zero: number;
  /** Bucket index → count, for positive and negative values. */
  pos: Map<number, number>;
  neg: Map<number, number>;
}

/** What a summary does to its sketches: sketch.ts's functions, or {@link exactOps} until they have come. */
export interface SketchOps {
  /** Adds a finite value (non-finite values are ignored). */
  add: (s: Sketch, v: number) => void;
  /** Removes one occurrence of a value added before. */
  remove: (s: Sketch, v: number) => void;
  /** The value at quantile q (0–1) by nearest rank; NaN when empty. */
  quantile: (s: Sketch, q: number) => number;
}

/** Default relative accuracy: 0.5 %, half the 1 % goal, leaving room for float error. */
export const DEFAULT_ALPHA = 0.005;
/** Default bucket bound per sign: spans ~8.9 decades at α = 0.5 % before the smallest values collapse. */
export const DEFAULT_MAX_BUCKETS = 2048;
/** Values kept exactly before folding into buckets. */
export const EXACT_LIMIT = 32;
/**
 * Values {@link exactOps} keeps per sketch while the bucket code has not come (offline, say):
 * memory stays bounded; a value past it is left out of the summary (it is still sent).
 */
export const EXACT_CAP = 4096;

/**
 * Creates an empty sketch. `alpha` must be in (0, 1) and `maxBuckets` an integer ≥ 8 (not checked
 * here, to keep the page's bundle small; `sketchFromJSON` checks untrusted input).
 */
export function createSketch(alpha = DEFAULT_ALPHA, maxBuckets = DEFAULT_MAX_BUCKETS): Sketch {
  return { alpha, maxBuckets, count: 0, sum: 0, min: Infinity, max: -Infinity, exact: [], zero: 0, pos: new Map(), neg: new Map() };
}

/** Counts a value in (or, with n = −1, out of) the totals every sketch keeps, exact or not. */
export function tally(s: Sketch, v: number, n: number): void {
  s.count += n;
  s.sum += v * n;
  if (n > 0 && v < s.min) s.min = v;
  if (n > 0 && v > s.max) s.max = v;
}

/** The exact values' value at rank (0-based, ascending). */
export const exactAt = (s: Sketch, rank: number): number => [...s.exact!].sort((a, b) => a - b)[rank] ?? NaN;

/** The nearest rank of quantile q among `count` values: the one definition `percentile` and both sketches use. */
export const rankOf = (count: number, q: number): number => Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));

/**
 * Sketch functions that keep every value (up to {@link EXACT_CAP}): exact percentiles, no bucket
 * code. `more` is called each time a sketch passes {@link EXACT_LIMIT} values, to fetch it; the
 * summary then swaps these functions for sketch.ts's, which fold such a sketch at its next value.
 */
export function exactOps(more: () => void): SketchOps {
  return {
    add(s, v) {
      if (!Number.isFinite(v) || s.exact!.length >= EXACT_CAP) return;
      tally(s, v, 1);
      if (s.exact!.push(v) > EXACT_LIMIT) more();
    },
    remove(s, v) {
      const at = s.exact!.indexOf(v);
      if (at < 0) return;
      s.exact!.splice(at, 1);
      tally(s, v, -1);
    },
    quantile: (s, q) => (s.count > 0 ? exactAt(s, rankOf(s.count, q)) : NaN),
  };
}
