/**
 * A page prerendered by Speculation Rules runs its scripts before the user has opened it, and may
 * never be opened: until it is activated pagepace sends nothing and starts none of its own work
 * (sources, web-vitals, the sending side), so a prerender nobody opens is no page view. Events
 * recorded meanwhile wait, bounded as before start-up, and go once the page is activated.
 */

/** Whether the page is being prerendered now. */
export const prerendering = (): boolean => !!(document as { prerendering?: boolean }).prerendering;

/** Calls `fn` once the page is activated: now when it is not being prerendered. */
export function whenActivated(fn: () => void): void {
  if (prerendering()) document.addEventListener('prerenderingchange', fn, { once: true });
  else fn();
}
