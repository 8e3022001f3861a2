/**
 * Random lowercase hex of `bytes` bytes: ids must not collide across tabs. `crypto.getRandomValues`
 * is in every engine pagepace supports, in workers and in Node 20, secure context or not.
 */
export function randomHex(bytes: number): string {
  const a = crypto.getRandomValues(new Uint8Array(bytes));
  let s = '';
  for (let i = 0; i < bytes; i++) s += (a[i]! | 0x100).toString(16).slice(1);
  return s;
}

/** A browser session: one tab from first page load until it closes; sampled or not, once. */
export interface Session {
  id: string;
  sampled: boolean;
}

const KEY = 'pagepace:session';

/**
 * The session: read from sessionStorage, or started there, on first use. sessionStorage keeps it
 * across page loads of the tab, so sampling is sticky and the collector can join a session's
 * pages; without storage it lives as long as the page. Read on first use rather than at start-up:
 * a tab's first storage access costs ~8 ms at 4× CPU (the browser opens its storage area), which
 * the script's evaluation task need not carry; the first event or the sending side pays it. The
 * sampling coin is tossed now, as the page starts.
 */
export function loadSession(sampleRate: number): Session {
  const coin = Math.random();
  let s: Session | undefined;
  const get = (): Session => {
    if (s) return s;
    try {
      const saved = JSON.parse(sessionStorage.getItem(KEY) || 'null') as Session | null;
      if (saved && typeof saved.id === 'string' && typeof saved.sampled === 'boolean') return (s = saved);
    } catch {
      // Storage blocked or corrupt: a fresh session is the right fallback.
    }
    s = { id: randomHex(16), sampled: coin < sampleRate };
    try {
      sessionStorage.setItem(KEY, JSON.stringify(s));
    } catch {
      // Ignored: the session then lasts one page.
    }
    return s;
  };
  return {
    get id() {
      return get().id;
    },
    get sampled() {
      return get().sampled;
    },
  };
}
