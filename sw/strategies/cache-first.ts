import { toResponse } from '../entry';
import { revalidate } from '../network';
import { isFresh } from '../policy';
import type { Strategy } from './context';
import { fromNetwork, keep, sameOrigin } from './context';

/**
 * L1 → L2 → network. An entry past its TTL is revalidated first (a 304 restarts its age); if the
 * network fails then, the stale copy is still better than an error.
 */
export const cacheFirst: Strategy = async (request, d, ctx) => {
  const entry = await ctx.cache.lookup(d.key);
  if (!entry) return fromNetwork(request, d, ctx);
  if (d.pinned || isFresh(entry.meta.storedAt, d.ttlMs, ctx.now())) return toResponse(entry);
  try {
    const r = await revalidate(request, entry, sameOrigin(request, ctx), ctx.counters);
    if (r.kind === 'response') return keep(r.response, d, ctx);
    ctx.waitUntil(ctx.cache.refresh(d.key, entry));
    return toResponse(entry);
  } catch {
    return toResponse(entry);
  }
};
