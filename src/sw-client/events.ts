import type { PerfEvent } from '../core/types';
import type { SwStats } from './types';

/**
 * The worker's stats as events for the beacon (kind `sw`): hits, misses and p50 latency per tier, L2
 * bytes and evictions. Values are the worker's counters since `since`, so a backend keeps the latest.
 */
export function swStatsEvents(s: SwStats, ts = Date.now()): PerfEvent[] {
  const out: PerfEvent[] = [];
  const add = (name: string, value: number, unit?: string) => out.push({ kind: 'sw', name, value, ts, ...(unit ? { unit } : {}) });
  for (const tier of ['l1', 'l2', 'network'] as const) {
    const t = s.tiers[tier];
    add(`sw.${tier}.hits`, t.hits);
    add(`sw.${tier}.misses`, t.misses);
    add(`sw.${tier}.p50`, t.p50, 'ms');
  }
  add('sw.l1.bytes', s.l1.bytes, 'bytes');
  add('sw.l2.bytes', s.l2.bytes, 'bytes');
  add('sw.evictions', s.l1.evictions + s.l2.evictions);
  return out;
}

/** The worker's stats flattened to numbers, as `createPagePace().stats().sw` carries them. */
export interface SwCounters {
  l1Hits: number;
  l1Misses: number;
  l1P50: number;
  l2Hits: number;
  l2Misses: number;
  l2P50: number;
  networkHits: number;
  networkMisses: number;
  networkP50: number;
  l1Bytes: number;
  l2Bytes: number;
  l2Entries: number;
  evictions: number;
  quotaErrors: number;
  notModified: number;
  errors: number;
}

/** Flattens the worker's stats (one level of numbers, so they ride in the `pagepace stats` event's attrs). */
export function swCounters(s: SwStats): SwCounters {
  return {
    l1Hits: s.tiers.l1.hits, l1Misses: s.tiers.l1.misses, l1P50: s.tiers.l1.p50,
    l2Hits: s.tiers.l2.hits, l2Misses: s.tiers.l2.misses, l2P50: s.tiers.l2.p50,
    networkHits: s.tiers.network.hits, networkMisses: s.tiers.network.misses, networkP50: s.tiers.network.p50,
    l1Bytes: s.l1.bytes, l2Bytes: s.l2.bytes, l2Entries: s.l2.entries,
    evictions: s.l1.evictions + s.l2.evictions, quotaErrors: s.l2.quotaErrors, notModified: s.notModified, errors: s.errors,
  };
}
