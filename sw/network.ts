import type { Entry } from './entry';
import type { Counters } from './stats';

/** A network fetch that records L3 stats; rejects like `fetch` on a network failure. */
export async function fetchCounted(request: Request | string, counters: Counters, init?: RequestInit): Promise<Response> {
  const t0 = performance.now();
  try {
    const res = await fetch(request, init);
    counters.hit('network', performance.now() - t0);
    return res;
  } catch (e) {
    counters.miss('network');
    throw e;
  }
}

/** Conditional headers for an entry's validators, or `undefined` when it has none. */
export function validators(entry: Entry): Record<string, string> | undefined {
  const h: Record<string, string> = {};
  if (entry.meta.etag) h['if-none-match'] = entry.meta.etag;
  if (entry.meta.lastModified) h['if-modified-since'] = entry.meta.lastModified;
  return Object.keys(h).length ? h : undefined;
}

/** What revalidating a stored entry came to. */
export type Revalidation =
  | { kind: 'not-modified' }
  | { kind: 'response'; response: Response };

/**
 * Asks the origin whether a stored entry is still current. With validators the request is conditional
 * (`If-None-Match` / `If-Modified-Since`) and a 304 means the stored body stands; without them it is a
 * plain fetch. Cross-origin requests are never made conditional: the extra headers would force a CORS
 * preflight. Rejects on a network failure.
 */
export async function revalidate(request: Request, entry: Entry, sameOrigin: boolean, counters: Counters): Promise<Revalidation> {
  const cond = sameOrigin ? validators(entry) : undefined;
  if (!cond) return { kind: 'response', response: await fetchCounted(request, counters) };
  // A navigation request cannot be cloned with new headers: rebuild it from its URL.
  const res = await fetchCounted(request.url, counters, {
    headers: cond,
    credentials: request.credentials,
    // Conditional headers set by the caller already bypass the HTTP cache; say so anyway.
    cache: 'no-store',
    redirect: 'follow',
  });
  counters.revalidated(res.status === 304);
  return res.status === 304 ? { kind: 'not-modified' } : { kind: 'response', response: res };
}

/** Resolves with `undefined` after `ms`, so that a race can fall back to the cache. */
export const timeout = (ms: number) => new Promise<undefined>((r) => setTimeout(r, ms));
