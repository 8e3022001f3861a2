/** Whether this browser takes Speculation Rules. */
export const speculationRules = (): boolean => !!HTMLScriptElement.supports?.('speculationrules');

/**
 * Asks the browser to prefetch (or prerender) `url`: by Speculation Rules where supported,
 * else `<link rel=prefetch>`. Both send `Sec-Purpose: prefetch`. `settled` is called when
 * the fetch is known to be over; Speculation Rules do not tell, and the browser queues them
 * itself, so it is called at once. Returns the element: removing it withdraws the rule.
 */
export function hint(url: string, prerender: boolean, settled: () => void): HTMLElement {
  let el: HTMLScriptElement | HTMLLinkElement;
  if (speculationRules()) {
    el = document.createElement('script');
    el.type = 'speculationrules';
    el.textContent = JSON.stringify({ [prerender ? 'prerender' : 'prefetch']: [{ source: 'list', urls: [url] }] });
    queueMicrotask(settled);
  } else {
    el = document.createElement('link');
    el.rel = 'prefetch';
    el.href = url;
    el.onload = el.onerror = settled;
  }
  document.head.append(el);
  return el;
}
