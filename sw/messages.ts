import { SW_MSG } from '../src/shared/swContract';
import type { SwReply, SwStats } from '../src/shared/swContract';
import type { TieredCache } from './tiers';

export type { SwReply, SwRequest } from '../src/shared/swContract';

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
      case SW_MSG.stats:
        return { ok: true, stats: await deps.stats() };
      case SW_MSG.invalidate: {
        if (typeof msg.pattern !== 'string') return { ok: false, error: 'pattern must be a RegExp source string' };
        const re = new RegExp(msg.pattern, typeof msg.flags === 'string' ? msg.flags.replace(/[gy]/g, '') : '');
        // Keys of precached entries carry their revision after '#': match the URL only.
        const removed = await deps.cache.invalidate((key) => re.test(key.replace(/#rev=.*$/, '')));
        return { ok: true, removed };
      }
      case SW_MSG.clear: {
        if (msg.tier !== 'l1' && msg.tier !== 'l2' && msg.tier !== 'all') return { ok: false, error: 'tier must be "l1", "l2" or "all"' };
        await deps.cache.clear(msg.tier);
        return { ok: true };
      }
      case SW_MSG.skipWaiting:
        await deps.skipWaiting();
        return { ok: true };
      default:
        return undefined;
    }
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}
