/**
 * `fetchLater()` (Chromium 135+): a request the browser holds and sends when the document is
 * destroyed, enters the back/forward cache, is discarded, or its renderer crashes — or at once,
 * with `activateAfter: 0`. pagepace keeps the open batch registered this way, replaced as events
 * arrive, so that a page that dies without a hide still delivers what it recorded.
 */

/** What `fetchLater` returns: whether the browser has sent the request. */
interface FetchLaterResult {
  readonly activated: boolean;
}
type FetchLater = (url: string, init: RequestInit & { activateAfter?: number }) => FetchLaterResult;

/** One request held by the browser, replaceable. */
export interface DeferredSlot {
  /**
   * Registers `body` in place of the slot's previous request (aborted, unless the browser already
   * sent it). `now` asks the browser to send it at once. False when the browser has no
   * `fetchLater` or refused it (its quota: 64 KiB pending per origin): the caller falls back.
   */
  set(body: BodyInit, type: string, now?: boolean): boolean;
  /** Withdraws the request, unless it has gone. Returns true if the browser had already sent it. */
  clear(): boolean;
}

/** Counters of deferred requests. */
export interface DeferredStats {
  /** Registrations the browser accepted. */
  deferred: number;
  /** Registrations refused (quota, or a throw): the caller used another mechanism. */
  deferredRefused: number;
}

const fetchLaterFn = (): FetchLater | undefined => {
  const f = (globalThis as { fetchLater?: FetchLater }).fetchLater;
  return typeof f === 'function' ? f : undefined;
};

/** Whether this browser has `fetchLater` (and the page is a secure context, which it needs). */
export const canDefer = (): boolean => !!fetchLaterFn() && isSecureContext;

/** A replaceable deferred request to `url` (same-origin credentials rules as the live sends). */
export function createDeferredSlot(url: string, credentials: RequestCredentials, stats: DeferredStats): DeferredSlot {
  let current: { abort: AbortController; result: FetchLaterResult } | undefined;
  const clear = (): boolean => {
    const c = current;
    current = undefined;
    if (!c) return false;
    if (c.result.activated) return true;
    c.abort.abort();
    return false;
  };
  return {
    set(body, type, now = false) {
      const fl = fetchLaterFn();
      if (!fl || !isSecureContext) return false;
      clear();
      const abort = new AbortController();
      try {
        const result = fl.call(globalThis, url, {
          method: 'POST', body, headers: { 'Content-Type': type }, credentials, signal: abort.signal,
          ...(now ? { activateAfter: 0 } : {}),
        });
        // Once sent at our request there is nothing to withdraw: the slot is free for the next batch.
        if (!now) current = { abort, result };
        stats.deferred++;
        return true;
      } catch {
        // QuotaExceededError, or a body the browser will not defer: the caller's fallback sends it.
        stats.deferredRefused++;
        return false;
      }
    },
    clear,
  };
}
