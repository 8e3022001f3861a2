import { toEntry } from '../entry';
import { clearsCache, refusal } from '../policy';
import type { Decision } from '../router';
import type { Counters } from '../stats';
import type { TieredCache } from '../tiers';
import { fetchCounted } from '../network';

/** What a strategy works with for one request. */
export interface StrategyContext {
  cache: TieredCache;
  counters: Counters;
  /** Keeps the worker alive for background work (storing, revalidating). */
  waitUntil(p: Promise<unknown>): void;
  /** A navigation preload response, when the browser made one. */
  preload: Promise<Response | undefined> | undefined;
  /** The page shown to a navigation that failed with nothing cached. */
  offline(): Promise<Response>;
  /** The worker's origin. */
  origin: string;
  /** Empties both tiers and re-warms the precache: a response said `Clear-Site-Data: "cache"`. */
  clearSite(): void;
  now(): number;
}

/** A strategy answers one request. It may reject: the caller then falls back to the network. */
export type Strategy = (request: Request, d: Decision, ctx: StrategyContext) => Promise<Response>;

/**
 * Stores a copy of a network response in the background when the policy (or the route) allows, and
 * returns the response untouched so the page streams it while the copy is read.
 */
export function keep(res: Response, d: Decision, ctx: StrategyContext): Response {
  const h = (n: string) => res.headers.get(n);
  if (clearsCache(h('clear-site-data'))) {
    // A logout: nothing of the previous user may be served again, this response included.
    ctx.clearSite();
    return res;
  }
  const why = refusal({ status: res.status, type: res.type, header: h }, d.cacheAlways);
  if (why) {
    ctx.counters.refused(why);
    return res;
  }
  const copy = res.clone();
  // A Clear-Site-Data that arrives while the body is read wins: the copy is then dropped.
  const epoch = ctx.cache.epoch;
  const read = toEntry(copy, d.key.replace(/#.*$/, ''), ctx.now(), d.pinned);
  ctx.waitUntil(ctx.cache.storeWhenRead(d.key, read, epoch).catch(() => ctx.counters.error()));
  return res;
}

/** The network answer (the navigation preload when there is one), stored when allowed. */
export async function fromNetwork(request: Request, d: Decision, ctx: StrategyContext): Promise<Response> {
  const preloaded = d.navigate && ctx.preload ? await ctx.preload.catch(() => undefined) : undefined;
  const res = preloaded ?? (await fetchCounted(request, ctx.counters));
  return keep(res, d, ctx);
}

/** Same origin as the worker (conditional requests are only sent there). */
export const sameOrigin = (request: Request, ctx: StrategyContext) => request.url.startsWith(`${ctx.origin}/`);
