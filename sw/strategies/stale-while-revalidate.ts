import { toResponse } from '../entry';
import { revalidate } from '../network';
import { isFresh } from '../policy';
import type { Strategy } from './context';
import { fromNetwork, keep, sameOrigin } from './context';

/** The cached copy at once; when it is older than the route's TTL, revalidated in the background. */
export const staleWhileRevalidate: Strategy = async (request, d, ctx) => {
  const entry = await ctx.cache.lookup(d.key);
  if (!entry) return fromNetwork(request, d, ctx);
  if (!isFresh(entry.meta.storedAt, d.ttlMs, ctx.now())) {
    ctx.waitUntil(revalidate(request, entry, sameOrigin(request, ctx), ctx.counters).then(
      (r) => (r.kind === 'response' ? void keep(r.response, d, ctx) : ctx.cache.refresh(d.key, entry)),
      () => undefined,
    ));
  }
  return toResponse(entry);
};
