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
