import type { StrategyName } from '../config';
import { cacheFirst } from './cache-first';
import type { Strategy } from './context';
import { networkFirst } from './network-first';
import { networkOnly } from './network-only';
import { staleWhileRevalidate } from './stale-while-revalidate';

/** Strategy by name. */
export const STRATEGIES: Record<StrategyName, Strategy> = {
  'cache-first': cacheFirst,
  'network-first': networkFirst,
  'stale-while-revalidate': staleWhileRevalidate,
  'network-only': networkOnly,
};
