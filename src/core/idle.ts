/**
 * Runs `fn` in idle time once the page has loaded (or at the latest `timeoutMs` after that), so
 * pagepace's own start-up never competes with the page's. Returns a cancel function.
 */
export function whenIdleAfterLoad(fn: () => void, timeoutMs = 1000): () => void {
  let cancel = () => {};
  const idle = () => {
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(() => fn(), { timeout: timeoutMs });
      cancel = () => cancelIdleCallback(id);
    } else {
      const id = setTimeout(fn, 0);
      cancel = () => clearTimeout(id);
    }
  };
  if (document.readyState === 'complete') idle();
  else {
    addEventListener('load', idle, { once: true });
    cancel = () => removeEventListener('load', idle);
  }
  return () => cancel();
}
