// Timing and statistics shared by Node and the benchmark pages (no Node or DOM imports).

/** Median of a list of numbers. */
export function median(xs) {
  return quantile(xs, 0.5);
}

/** The q-quantile (0..1), linear interpolation between closest ranks. */
export function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}

/** Keeps results alive so no engine can skip the work being timed. */
export let sink = 0;

/**
 * Calls `fn` in chunks for about `ms` milliseconds and returns calls per second.
 * Chunks are sized so the clock is read about once per millisecond.
 */
export function opsPerSec(fn, ms, now = () => performance.now()) {
  let chunk = 1;
  let t = now();
  for (;;) {
    for (let i = 0; i < chunk; i++) sink ^= touch(fn());
    const d = now() - t;
    if (d >= 1 || chunk >= 1 << 16) break;
    chunk *= 2;
    t = now();
  }
  let n = 0;
  const t0 = now();
  let t1 = t0;
  while (t1 - t0 < ms) {
    for (let i = 0; i < chunk; i++) sink ^= touch(fn());
    n += chunk;
    t1 = now();
  }
  return (n * 1000) / (t1 - t0);
}

function touch(r) {
  if (r == null) return 0;
  if (typeof r === 'number') return r | 0;
  if (typeof r.length === 'number') return r.length;
  if (Array.isArray(r.events)) return r.events.length;
  return 1;
}

/**
 * Interleaved, time-boxed rounds: every case is warmed up, then each round times every
 * case once for `roundMs` (so drift from other load on the machine hits all cases alike).
 * Returns `{ [case]: { median, min, max, rounds: number[] } }` in ops/s.
 */
export function runRounds(cases, { rounds, roundMs, warmupMs }) {
  const names = Object.keys(cases);
  for (const k of names) opsPerSec(cases[k], warmupMs);
  const per = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const k of names) per[k].push(opsPerSec(cases[k], roundMs));
  return Object.fromEntries(names.map((k) => [k, summarize(per[k])]));
}

/** Median, quartiles, min and max of a list of samples (kept too). */
export function summarize(xs) {
  return { median: median(xs), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75), min: Math.min(...xs), max: Math.max(...xs), rounds: xs };
}

/** Per-round ratios a[r] / b[r] of two interleaved cases (same round = most similar machine load). */
export function pairedRatios(a, b) {
  return summarize(a.rounds.map((x, i) => x / b.rounds[i]));
}
