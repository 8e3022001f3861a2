/**
 * Calls `onChange` after every same-document URL change. The Navigation API tells of them
 * without patching anything; elsewhere `pushState`/`replaceState` are wrapped and `popstate`
 * listened to. `onChange` must not throw (pass a guarded one).
 * @returns undo: removes the listener, and restores the History methods if they are still ours.
 */
export function watchHistory(onChange: () => void): () => void {
  const nav = (globalThis as { navigation?: EventTarget }).navigation;
  if (nav?.addEventListener) {
    nav.addEventListener('currententrychange', onChange);
    return () => nav.removeEventListener('currententrychange', onChange);
  }
  const h = history;
  // Kept detached on purpose: each is called back with `apply(this, …)`, on the History it came from.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const orig = { pushState: h.pushState, replaceState: h.replaceState };
  const wrap = (k: keyof typeof orig) =>
    (h[k] = function (this: History, ...args: Parameters<History['pushState']>) {
      const out = orig[k].apply(this, args);
      onChange();
      return out;
    });
  const mine = { pushState: wrap('pushState'), replaceState: wrap('replaceState') };
  addEventListener('popstate', onChange);
  return () => {
    removeEventListener('popstate', onChange);
    // Only put back what is still ours: a router may have wrapped it after us.
    for (const k of ['pushState', 'replaceState'] as const) if (h[k] === mine[k]) h[k] = orig[k];
  };
}
