/** Tiers as stats name them: L1 memory, L2 IndexedDB, L3 network. */
export type Tier = 'l1' | 'l2' | 'network';

/** Counters and latency of one tier. */
export interface TierStats {
  /** L1/L2: lookups that found a usable entry. Network: responses received. */
  hits: number;
  /** L1/L2: lookups that found nothing usable. Network: failures (offline, timeout). */
  misses: number;
  /** Latency of hits in ms (L1/L2: lookup until the response is built; network: until headers). */
  p50: number;
  p95: number;
}

/** Everything the worker reports to a page. */
export interface SwStats {
  /** The worker's script URL (its version: a new URL or new bytes is a new worker). */
  scriptURL: string;
  /** When this worker instance started (epoch ms): the browser may stop it and start a fresh one. */
  since: number;
  tiers: Record<Tier, TierStats>;
  /** Bytes, entries and evictions held per storage tier, and the budget in force. */
  l1: { bytes: number; entries: number; evictions: number; budget: number };
  l2: { bytes: number; entries: number; evictions: number; budget: number; quotaErrors: number };
  /** Conditional requests sent, and how many came back 304. */
  revalidations: number;
  notModified: number;
  /** Responses not stored because the policy refused them, by reason. */
  refused: Record<string, number>;
  /** Requests answered by the offline page. */
  offline: number;
  /** Failures caught inside the worker (the request then went to the network). */
  errors: number;
  /** Parts of the configuration the worker ignored, and why. */
  problems: string[];
}

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
  /** Tier counters and latency percentiles. */
  snapshot(): Pick<SwStats, 'tiers' | 'revalidations' | 'notModified' | 'refused' | 'offline' | 'errors'>;
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
    snapshot() {
      const out = {} as Record<Tier, TierStats>;
      for (const [name, t] of tiers) out[name] = { hits: t.hits, misses: t.misses, p50: round(t.lat.percentile(50)), p95: round(t.lat.percentile(95)) };
      return { tiers: out, revalidations, notModified, refused: { ...refused }, offline, errors };
    },
  };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
