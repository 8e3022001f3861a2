import type { PerfEvent } from '../core/types';

/** One memory reading. */
export interface MemorySample {
  /** When, in ms (any clock, as long as it is the same for all samples). */
  t: number;
  /** Bytes in use. */
  bytes: number;
}

/** The trend of a series of memory samples. */
export interface LeakSignal {
  /** Growth rate, bytes per minute (Theil–Sen: the median of pairwise slopes, robust to GC drops). */
  slope: number;
  /** Kendall's tau, −1 to 1: how consistently memory rises with time (1 = every later sample is higher). */
  trend: number;
  /** Growth over the samples' time span at that slope, bytes. */
  growth: number;
  /** Samples considered. */
  samples: number;
  /** Whether this looks like a leak: enough samples, a consistent rise, and a growth that matters. */
  leaking: boolean;
}

/** Thresholds of {@link leakSignal}. */
export interface LeakOptions {
  /** Fewest samples to judge from. Default 6. */
  minSamples?: number;
  /** Smallest Kendall's tau that counts as a consistent rise. Default 0.6. */
  minTrend?: number;
  /** Smallest growth over the span, bytes. Default 1 MiB. */
  minGrowth?: number;
  /** Smallest growth relative to the median reading. Default 0.1 (10 %). */
  minRelative?: number;
}

const median = (xs: number[]): number => {
  const s = xs.sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Reads a leak signal from the trend of memory samples. Garbage collection makes heap size a
 * sawtooth, so a least-squares slope alone would call every busy page leaky or miss a slow leak:
 * the Theil–Sen slope ignores the drops, and Kendall's tau asks that the rise be consistent, not
 * one jump. Pure and O(n²) on the few dozen samples a page keeps.
 */
export function leakSignal(samples: readonly MemorySample[], opts: LeakOptions = {}): LeakSignal {
  const { minSamples = 6, minTrend = 0.6, minGrowth = 1 << 20, minRelative = 0.1 } = opts;
  const n = samples.length;
  const slopes: number[] = [];
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = samples[i]!;
      const b = samples[j]!;
      const dt = b.t - a.t;
      const db = b.bytes - a.bytes;
      if (dt !== 0) slopes.push(db / dt);
      const sign = Math.sign(dt) * Math.sign(db);
      if (sign > 0) concordant++;
      else if (sign < 0) discordant++;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const perMs = slopes.length ? median(slopes) : 0;
  const trend = pairs ? (concordant - discordant) / pairs : 0;
  const ts = samples.map((s) => s.t);
  const span = n ? Math.max(...ts) - Math.min(...ts) : 0;
  const growth = perMs * span;
  const level = n ? median(samples.map((s) => s.bytes)) : 0;
  return {
    slope: perMs * 60_000,
    trend,
    growth,
    samples: n,
    leaking: n >= minSamples && trend >= minTrend && growth >= minGrowth && growth >= minRelative * level,
  };
}

/**
 * The `memory.leak` event of a leak signal: value = the growth rate in bytes per minute (unit
 * `bytes/min`), attrs `trend` (Kendall's tau), `growth` (bytes over the window) and `samples`.
 */
export const leakEvent = (leak: LeakSignal, ts: number): PerfEvent => ({
  kind: 'memory', name: 'memory.leak', value: leak.slope, unit: 'bytes/min', ts,
  attrs: { trend: leak.trend, growth: leak.growth, samples: leak.samples },
});
