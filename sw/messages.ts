import type { TieredCache } from './tiers';
import type { SwStats } from './stats';

/** Messages a page may send (reply through the MessageChannel port it transfers). */
export type SwRequest =
  | { type: 'pagepace:stats' }
  | { type: 'pagepace:invalidate'; pattern: string; flags?: string }
  | { type: 'pagepace:clear'; tier: 'l1' | 'l2' | 'all' }
  // workbox-window's messageSkipWaiting() sends exactly this.
  | { type: 'SKIP_WAITING' };

/** The reply: `{ ok: true, … }` or `{ ok: false, error }`. */
export type SwReply = { ok: true; stats?: SwStats; removed?: number } | { ok: false; error: string };

/** What message handling needs from the worker. */
export interface MessageDeps {
  cache: TieredCache;
  stats(): Promise<SwStats>;
  skipWaiting(): Promise<void>;
}

/** Answers one page message. Never throws: a bad message gets `{ ok: false }`. */
export async function handleMessage(data: unknown, deps: MessageDeps): Promise<SwReply | undefined> {
  const msg = (typeof data === 'object' && data !== null ? data : {}) as Partial<Record<string, unknown>>;
  try {
    switch (msg.type) {
      case 'pagepace:stats':
        return { ok: true, stats: await deps.stats() };
      case 'pagepace:invalidate': {
        if (typeof msg.pattern !== 'string') return { ok: false, error: 'pattern must be a RegExp source string' };
        const re = new RegExp(msg.pattern, typeof msg.flags === 'string' ? msg.flags.replace(/[gy]/g, '') : '');
        // Keys of precached entries carry their revision after '#': match the URL only.
        const removed = await deps.cache.invalidate((key) => re.test(key.replace(/#rev=.*$/, '')));
        return { ok: true, removed };
      }
      case 'pagepace:clear': {
        if (msg.tier !== 'l1' && msg.tier !== 'l2' && msg.tier !== 'all') return { ok: false, error: 'tier must be "l1", "l2" or "all"' };
        await deps.cache.clear(msg.tier);
        return { ok: true };
      }
      case 'SKIP_WAITING':
        await deps.skipWaiting();
        return { ok: true };
      default:
        return undefined;
    }
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}
