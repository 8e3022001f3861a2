/**
 * The static string dictionary of protocol version 1 (docs/protocol.md §5.3):
 * string code `i + 1` is `DICTIONARY[i]`. Frozen with the version: editing it
 * changes the meaning of every batch ever sent.
 */
export const DICTIONARY: readonly string[] = Object.freeze([
  '', 'ms', 'vital', 'resource', 'loaf', 'mark', 'measure', 'custom',
  'navigation', 'LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'long-animation-frame', 'good',
  'needs-improvement', 'poor', 'navigate', 'reload', 'back-forward', 'back-forward-cache', 'prerender', 'restore',
  'loading', 'dom-interactive', 'dom-content-loaded', 'complete', 'script', 'link', 'img', 'css',
  'fetch', 'xmlhttprequest', 'beacon', 'other', 'iframe', 'video', 'audio', 'early-hints',
  'image', 'h2', 'h3', 'http/1.1', 'blocking', 'non-blocking', 'cache', 'navigational-prefetch',
  'user-callback', 'event-listener', 'resolve-promise', 'reject-promise', 'classic-script', 'module-script', 'pointer', 'keyboard',
  'input-delay', 'processing-duration', 'presentation-delay', 'count', 'bytes', 'true', 'false', 'unknown',
]);

/** Number of dictionary entries (D). */
export const DICT_SIZE = DICTIONARY.length;

/** String → code (1-based), for the encoder. */
export const DICT_CODES: ReadonlyMap<string, number> = new Map(DICTIONARY.map((s, i) => [s, i + 1]));
