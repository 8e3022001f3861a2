import type { SwStats, SwTierStats, Tier } from '../src/shared/swContract';

export type { SwStats, Tier } from '../src/shared/swContract';
/** Counters and latency of one tier (the shared contract's `SwTierStats`). */
export type TierStats = SwTierStats;

const WINDOW = 512;

/** A ring of the latest latencies; percentiles are nearest-rank over it. */
export interface Latencies {
  add(ms: number): void;
  percentile(p: number): number;
}

/** Creates a ring of the latest `size` samples. */
export function createLatencies(size = WINDOW): Latencies {
  const ring = new Float64Array(size);
  let n = 0;
  return {
    add(ms) {
      ring[n++ % size] = ms;
    },
    percentile(p) {
      const count = Math.min(n, size);
      if (!count) return 0;
      const sorted = ring.slice(0, count).sort();
      return sorted[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))] ?? 0;
    },
  };
}

/** The worker's live counters. */
export interface Counters {
  hit(tier: Tier, ms: number): void;
  miss(tier: Tier): void;
  refused(reason: string): void;
  revalidated(notModified: boolean): void;
  offline(): void;
  error(): void;
  /** A `Clear-Site-Data` response emptied the tiers. */
  cleared(): void;
  /** Tier counters and latency percentiles. */
  snapshot(): Pick<SwStats, 'tiers' | 'revalidations' | 'notModified' | 'refused' | 'offline' | 'errors' | 'siteCleared'>;
}

/** Creates zeroed counters. */
export function createCounters(): Counters {
  const tiers = (['l1', 'l2', 'network'] as const).map((t): [Tier, { hits: number; misses: number; lat: Latencies }] => [t, { hits: 0, misses: 0, lat: createLatencies() }]);
  const by = new Map(tiers);
  const refused: Record<string, number> = {};
  let revalidations = 0;
  let notModified = 0;
  let offline = 0;
  let errors = 0;
  let siteCleared = 0;
  return {
    hit(tier, ms) {
      const t = by.get(tier)!;
      t.hits++;
      t.lat.add(ms);
    },
    miss(tier) {
      by.get(tier)!.misses++;
    },
    refused(reason) {
      refused[reason] = (refused[reason] ?? 0) + 1;
    },
    revalidated(nm) {
      revalidations++;
      if (nm) notModified++;
    },
    offline() {
      offline++;
    },
    error() {
      errors++;
    },
    cleared() {
      siteCleared++;
    },
    snapshot() {
      const out = {} as Record<Tier, TierStats>;
      for (const [name, t] of tiers) out[name] = { hits: t.hits, misses: t.misses, p50: round(t.lat.percentile(50)), p95: round(t.lat.percentile(95)) };
      return { tiers: out, revalidations, notModified, refused: { ...refused }, offline, errors, siteCleared };
    },
  };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
