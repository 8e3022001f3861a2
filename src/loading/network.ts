/** The part of `navigator.connection` (Network Information API) the gate reads. */
export interface ConnectionLike {
  saveData?: boolean;
  effectiveType?: string;
}

/**
 * Whether speculative fetching is welcome on this connection: not under Save-Data, not on
 * `slow-2g`/`2g`. Without the Network Information API (Firefox, Safari) nothing says no.
 */
export function networkAllows(c: ConnectionLike | undefined = (navigator as { connection?: ConnectionLike }).connection): boolean {
  return !c || (!c.saveData && !/2g/.test(c.effectiveType ?? ''));
}

/** Whether the page itself opted out: `data-no-prefetch` on `<html>` or `<body>`. */
export const pageAllows = (): boolean => !document.querySelector('html[data-no-prefetch],body[data-no-prefetch]');
