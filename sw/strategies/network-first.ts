import { toResponse } from '../entry';
import { timeout } from '../network';
import type { Strategy } from './context';
import { fromNetwork } from './context';

const LATE = 'late' as const;

/**
 * Network, stored on success; the cached copy (any age) when the network fails — and, when the
 * route asks (`fallbackOn`), when it answers 5xx or takes longer than its timeout while a copy
 * exists; then, for navigations, the offline page.
 */
export const networkFirst: Strategy = async (request, d, ctx) => {
  const net = fromNetwork(request, d, ctx).catch(() => undefined);
  const cached = async () => {
    const e = await ctx.cache.lookup(d.key);
    return e && toResponse(e);
  };
  let res: Response | undefined | typeof LATE = d.timeoutMs > 0 ? await Promise.race([net, timeout(d.timeoutMs).then(() => LATE)]) : await net;
  if (res === LATE) {
    const copy = await cached();
    if (copy) {
      // The slow answer still refreshes the cache for next time.
      ctx.waitUntil(net);
      return copy;
    }
    res = await net;
  }
  if (res && (res.status < 500 || !d.on5xx)) return res;
  const copy = await cached();
  if (copy) return copy;
  if (res) return res;
  if (d.navigate) {
    ctx.counters.offline();
    return ctx.offline();
  }
  return Response.error();
};
