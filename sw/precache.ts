import type { SwConfig } from './config';
import { toEntry } from './entry';
import { variesPerRequest } from './policy';
import { precacheKey } from './router';
import type { TieredCache } from './tiers';

/** URL → revision of everything precached, offline page included (an empty revision means "refetch on every install"). */
export function precacheMap(cfg: SwConfig): Map<string, string> {
  const map = new Map(cfg.precache.map((p) => [p.url, p.revision] as const));
  if (cfg.offlineUrl && !map.has(cfg.offlineUrl)) map.set(cfg.offlineUrl, '');
  return map;
}

const PARALLEL = 6;

/**
 * Warms L2 with the precache list on `install`. An entry already stored at the same revision is kept;
 * a failed fetch does not fail the install (the worker would never activate): the URL is fetched on
 * first use instead. Returns the URLs that could not be fetched.
 */
export async function warm(list: Map<string, string>, cache: TieredCache): Promise<string[]> {
  const failed: string[] = [];
  const todo = [...list];
  const one = async () => {
    for (let next = todo.shift(); next; next = todo.shift()) {
      const [url, revision] = next;
      const key = precacheKey(url, revision);
      try {
        if (revision && (await cache.l2.get(key))) continue;
        const res = await fetch(url, { cache: 'reload', credentials: 'same-origin' });
        // A precached copy is served to whoever comes next: never one that varies per request.
        if (res.status !== 200 || variesPerRequest(res.headers.get('vary'))) throw new Error();
        await cache.store(key, await toEntry(res, url, Date.now(), true));
      } catch {
        failed.push(url);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, one));
  return failed;
}

/** On `activate`: drops precached entries (pinned) that the current list no longer names at their revision. */
export async function cleanup(list: Map<string, string>, cache: TieredCache): Promise<number> {
  const current = new Set([...list].map(([u, r]) => precacheKey(u, r)));
  const stale = await cache.l2.keys((key, meta) => !!meta?.pinned && !current.has(key));
  for (const k of stale) cache.l1.delete(k);
  await cache.l2.delete(stale);
  return stale.length;
}
