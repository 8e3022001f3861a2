/**
 * The page lifecycle as pagepace's parts see it: one `hide` per hide, however the browser says it
 * (visibilitychange to hidden, pagehide, freeze), in two phases, then `show` (a back/forward-cache
 * restore makes the page visible again, so it is a show too).
 *
 * Why two phases: every part that reports at hide (lazy loading, prefetch, resources, overhead,
 * the stats) records its event in `collect`; only then does the sender, in `send`, put all of it
 * into one request. Parts with listeners of their own would fire in registration order, each
 * after the sender had already sent (six beacons per page view, before this module).
 *
 * Why on `window` in the bubble phase: visibilitychange is fired at the document and bubbles, so a
 * window bubble listener runs after web-vitals' (window, capture) and any document listener: INP
 * and CLS, which web-vitals reports at hide, are already recorded when `collect` runs.
 *
 * Why `pending`: when a visible page is left, the browser fires pagehide first and the
 * visibilitychange to hidden after it, in the same unload (HTML's "unload a document" steps), and
 * web-vitals reports INP and CLS only at that visibilitychange. A sender that can keep a request
 * with the browser (fetchLater) holds it at pagehide and sends once, at the visibilitychange.
 */
export type HidePhase = 'collect' | 'send';

/** The one lifecycle pagepace's parts subscribe to. */
export interface Lifecycle {
  /**
   * Calls `fn` once per hide, in `phase` (all `collect` subscribers before any `send` one), with
   * `final` true when the page is going away or stopping (pagehide, freeze), not only hidden;
   * `pending` true at a pagehide of a still visible page, whose visibilitychange is still to come.
   * Returns unsubscribe.
   */
  onHide(fn: (final: boolean, pending: boolean) => void, phase?: HidePhase): () => void;
  /** Calls `fn` when the page is visible again (also after a back/forward-cache restore). */
  onShow(fn: () => void): () => void;
  /** Whether the page is hidden now (or was hidden and has not been shown since). */
  readonly hidden: boolean;
  /** Removes the listeners. */
  destroy(): void;
}

type Fn = () => void;
type HideFn = (final: boolean, pending: boolean) => void;

/** Starts the lifecycle; `wrap` keeps a subscriber's failure away from the page and the others. */
export function createLifecycle(wrap: (fn: Fn) => Fn): Lifecycle {
  const subs: Record<HidePhase, Set<HideFn>> = { collect: new Set(), send: new Set() };
  const shows = new Set<Fn>();
  let hidden = document.visibilityState === 'hidden';
  // One hide per hide: visibilitychange, pagehide and freeze all come when a page goes away.
  let done = false;
  // A pagehide came: the visibilitychange after it ends the same unload.
  let gone = false;

  const hide = (final: boolean, pending = false) => {
    hidden = true;
    // Recorded between two of the browser's hide events: the sender sends what is new.
    if (!done) subs.collect.forEach((f) => f(final, pending));
    done = true;
    subs.send.forEach((f) => f(final, pending));
  };
  const show = () => {
    hidden = false;
    done = false;
    gone = false;
    shows.forEach((f) => f());
  };
  const onVisibility = wrap(() => (document.visibilityState === 'hidden' ? hide(gone) : show()));
  const onGone = wrap(() => {
    gone = true;
    hide(true, document.visibilityState === 'visible');
  });
  const listeners: Array<[EventTarget, string, EventListener]> = [
    [window, 'visibilitychange', onVisibility],
    [window, 'pagehide', onGone],
    [document, 'freeze', onGone],
  ];
  for (const [t, type, fn] of listeners) t.addEventListener(type, fn);

  const add = <T>(set: Set<T>, fn: T) => (set.add(fn), () => void set.delete(fn));
  return {
    onHide: (fn, phase = 'collect') => add(subs[phase], fn),
    onShow: (fn) => add(shows, fn),
    get hidden() {
      return hidden;
    },
    destroy() {
      for (const [t, type, fn] of listeners) t.removeEventListener(type, fn);
      subs.collect.clear();
      subs.send.clear();
      shows.clear();
    },
  };
}

/**
 * Subscribes `fn` to hides: through pagepace's lifecycle (`onHide`) when the part runs inside
 * pagepace, else (a standalone entry such as `pagepace/lazy`) by a visibilitychange listener of
 * its own. Returns unsubscribe.
 */
export function subscribeHide(fn: () => void, onHide?: (fn: () => void) => () => void): () => void {
  if (onHide) return onHide(fn);
  const h = () => void (document.visibilityState === 'hidden' && fn());
  document.addEventListener('visibilitychange', h);
  return () => document.removeEventListener('visibilitychange', h);
}
