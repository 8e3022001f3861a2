/** Median of a sample (NaN when empty). */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolated quantile (the "R-7" definition spreadsheets use). */
export function quantile(xs: readonly number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 through erf; error < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Result of a Mann–Whitney U test. */
export interface MannWhitney {
  /** U of the first sample. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  /** How p was computed: `exact` (small samples without ties) or `normal` (tie-corrected, continuity-corrected). */
  method: 'exact' | 'normal';
}

/** Ranks with ties given their average rank; returns ranks and the tie-correction term Σ(t³ − t). */
function rank(values: number[]): { ranks: number[]; ties: number } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let ties = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = avg;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  return { ranks, ties };
}

/** Exact distribution of U for n1, n2 without ties: count of arrangements giving each U (dynamic programming). */
function exactP(u: number, n1: number, n2: number): number {
  // f[i][j][k]: arrangements of i and j items with U = k; rolled into one table over (j, k) per i.
  const max = n1 * n2;
  let prev: number[][] = Array.from({ length: n2 + 1 }, (_, j) => { const row = new Array<number>(max + 1).fill(0); row[0] = 1; void j; return row; });
  for (let i = 1; i <= n1; i++) {
    const cur: number[][] = Array.from({ length: n2 + 1 }, () => new Array<number>(max + 1).fill(0));
    cur[0]![0] = 1;
    for (let j = 1; j <= n2; j++) {
      for (let k = 0; k <= i * j; k++) {
        // The largest item is from sample 1 (it beats all j of sample 2) or from sample 2.
        cur[j]![k] = (k >= j ? prev[j]![k - j]! : 0) + cur[j - 1]![k]!;
      }
    }
    prev = cur;
  }
  const counts = prev[n2]!;
  const total = counts.reduce((a, b) => a + b, 0);
  const lo = Math.min(u, max - u);
  let tail = 0;
  for (let k = 0; k <= lo; k++) tail += counts[k]!;
  return Math.min(1, (2 * tail) / total);
}

/**
 * Two-sided Mann–Whitney U test: do the two samples come from the same distribution? Exact for
 * small samples without ties (n1·n2 ≤ 2,500), otherwise the normal approximation with tie and
 * continuity corrections.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitney {
  const n1 = a.length;
  const n2 = b.length;
  if (!n1 || !n2) return { u: NaN, p: 1, method: 'normal' };
  const { ranks, ties } = rank([...a, ...b]);
  const r1 = ranks.slice(0, n1).reduce((s, r) => s + r, 0);
  const u = r1 - (n1 * (n1 + 1)) / 2;
  if (ties === 0 && n1 * n2 <= 2500) return { u, p: exactP(u, n1, n2), method: 'exact' };
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, method: 'normal' };
  const diff = Math.abs(u - mean) - 0.5;
  if (diff <= 0) return { u, p: 1, method: 'normal' };
  return { u, p: Math.min(1, 2 * (1 - normalCdf(diff / Math.sqrt(variance)))), method: 'normal' };
}

/**
 * Cliff's delta: P(a > b) − P(a < b), from −1 to 1. |d| < 0.147 is negligible, < 0.33 small,
 * < 0.474 medium, else large (Romano et al.).
 */
export function cliffsDelta(a: readonly number[], b: readonly number[]): number {
  if (!a.length || !b.length) return 0;
  let gt = 0;
  let lt = 0;
  for (const x of a) for (const y of b) {
    if (x > y) gt++;
    else if (x < y) lt++;
  }
  return (gt - lt) / (a.length * b.length);
}

/** Romano et al.'s labels for |Cliff's delta|. */
export function effectSize(d: number): 'negligible' | 'small' | 'medium' | 'large' {
  const m = Math.abs(d);
  return m < 0.147 ? 'negligible' : m < 0.33 ? 'small' : m < 0.474 ? 'medium' : 'large';
}
