/** Whether this browser takes Speculation Rules. */
export const speculationRules = (): boolean => !!HTMLScriptElement.supports?.('speculationrules');

/**
 * Asks the browser to prefetch (or prerender) `url`: by Speculation Rules where supported,
 * else `<link rel=prefetch>`. Both send `Sec-Purpose: prefetch`. `settled` is called once, when
 * the fetch is taken to be over: a link's load or error event; Speculation Rules tell the page
 * nothing (no event, no resource timing entry), so after `ms`, the caller's estimate. Returns a
 * withdraw function: it removes the rule (the browser then drops that speculation) and settles.
 */
export function hint(url: string, prerender: boolean, settled: () => void, ms: number): () => void {
  let el: HTMLScriptElement | HTMLLinkElement;
  let t: ReturnType<typeof setTimeout> | undefined;
  let n = 0;
  const once = () => n++ || (clearTimeout(t), settled());
  if (speculationRules()) {
    el = document.createElement('script');
    el.type = 'speculationrules';
    el.textContent = JSON.stringify({ [prerender ? 'prerender' : 'prefetch']: [{ source: 'list', urls: [url] }] });
    t = setTimeout(once, ms);
  } else {
    el = document.createElement('link');
    el.rel = 'prefetch';
    el.href = url;
    el.onload = el.onerror = once;
  }
  document.head.append(el);
  return () => {
    el.remove();
    once();
  };
}
