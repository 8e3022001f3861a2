import { trustedScript } from '../core/trustedTypes';

/** How a prefetch is asked for: Speculation Rules, `<link rel=prefetch>`, or a low-priority `fetch`. */
export type PrefetchMechanism = 'speculationrules' | 'link' | 'fetch';

/**
 * Whether this page refused an injected Speculation Rules script (a CSP without
 * `'inline-speculation-rules'`, `'unsafe-inline'` or a nonce, or Trusted Types enforced without
 * allowing the policy `pagepace`): from then on this page uses the next mechanism.
 */
let refused = false;

/** Whether this browser takes Speculation Rules (and this page has not refused them). */
export const speculationRules = (): boolean => !refused && !!HTMLScriptElement.supports?.('speculationrules');

/**
 * Whether a `<link rel=prefetch>` of this page went unanswered: neither a load nor an error event
 * nor a response, while no link of this page ever had one. Firefox ESR 140 ignores prefetch links
 * inserted after the load event (ESR 153 does not), though it says it supports them: from then on
 * this page uses `fetch`.
 */
let ignored = false;
/** Whether a `<link rel=prefetch>` of this page had a load or error event: links work here. */
let answered = false;

/** Whether this browser prefetches `<link rel=prefetch>` (WebKit does not: it has no such hint). */
export const linkPrefetch = (): boolean => !ignored && !!document.createElement('link').relList?.supports?.('prefetch');

/** The mechanism the next prefetch will use. */
export const mechanism = (): PrefetchMechanism => (speculationRules() ? 'speculationrules' : linkPrefetch() ? 'link' : 'fetch');

/** Body bytes of the latest resource timing entry for `url` (same-origin or Timing-Allow-Origin), if any. */
function timedBytes(url: string): number | undefined {
  const e = performance.getEntriesByName(url, 'resource').at(-1) as PerformanceResourceTiming | undefined;
  return e ? e.encodedBodySize || e.transferSize || undefined : undefined;
}

/**
 * What `settled` is told: the bytes of a prefetch that really went (a load event, a response, or
 * an accepted rule), or `undefined` when nothing went (error, refusal, withdrawn first).
 */
export type Settled = (bytes: number | undefined) => void;

/**
 * Asks the browser to prefetch (or prerender) `url` by the best mechanism it has, and tells
 * `settled` once whether a request went:
 * - Speculation Rules: the page sees neither an event nor a resource timing entry, so a rule counts
 *   as gone when it stayed in the page for `ms` (the caller's estimate of the fetch time) without a
 *   `securitypolicyviolation`; a refused rule is removed and the URL goes by the next mechanism.
 *   Its bytes are `estimate`. (The next page confirms a hit by its `deliveryType`.)
 * - `<link rel=prefetch>`: its load event (bytes from resource timing); an error counts nothing.
 *   Without either event within 10 s, resource timing decides. Until a link of this page has had
 *   an event, one without an event or a response after 2 s (or 3 × `ms`) counts as ignored by the
 *   engine: it is removed and the URL goes by `fetch`, as does every later prefetch of the page.
 * - `fetch` (WebKit): same-origin only, `priority: 'low'`, credentials same-origin, `Purpose:
 *   prefetch`; the HTTP cache serves the navigation when the response allows it (`max-age`).
 *   A response that is not ok counts nothing.
 * Returns a withdraw function (removes the rule or link, aborts the fetch, settles), or undefined
 * when no mechanism can take `url` (another origin without rel=prefetch or Speculation Rules).
 */
export function hint(url: string, prerender: boolean, settled: Settled, ms: number, estimate: number): (() => void) | undefined {
  let n = 0;
  let t: ReturnType<typeof setTimeout> | undefined;
  let inner: (() => void) | undefined;
  const once: Settled = (bytes) => n++ || (clearTimeout(t), settled(bytes));
  const how = mechanism();
  if (how == 'fetch') {
    if (new URL(url).origin != location.origin) return undefined;
    const ac = new AbortController();
    fetch(url, { credentials: 'same-origin', mode: 'same-origin', priority: 'low', headers: { Purpose: 'prefetch' }, signal: ac.signal })
      .then(async (r) => {
        if (!r.ok) return void (await r.body?.cancel(), once(undefined));
        // Read to the end: the HTTP cache keeps a response only once it is complete.
        const body = await r.arrayBuffer();
        once(timedBytes(r.url) ?? body.byteLength);
      })
      .catch(() => once(undefined));
    return () => {
      if (!n) ac.abort();
      once(undefined);
    };
  }
  let el: HTMLScriptElement | HTMLLinkElement;
  /** The hint was refused or ignored: it leaves the page and the URL goes by the next mechanism. */
  const next = () => {
    el.remove();
    inner = hint(url, prerender, once, ms, estimate);
    if (!inner) once(undefined);
  };
  if (how == 'speculationrules') {
    el = document.createElement('script');
    el.type = 'speculationrules';
    try {
      el.textContent = trustedScript(JSON.stringify({ [prerender ? 'prerender' : 'prefetch']: [{ source: 'list', urls: [url] }] }));
    } catch {
      // Trusted Types enforced and the policy `pagepace` not allowed: the text is refused at once.
      refused = true;
      next();
      return () => (inner?.(), once(undefined));
    }
    t = setTimeout(() => once(estimate), ms);
    // CSP refuses an inline rule with a violation event at the element (a task after insertion).
    el.addEventListener('securitypolicyviolation', () => {
      if (n) return;
      refused = true;
      clearTimeout(t);
      next();
    });
  } else {
    el = document.createElement('link');
    el.rel = 'prefetch';
    el.href = url;
    const link = el;
    const t0 = performance.now();
    link.onload = () => (answered = true, once(timedBytes(url) ?? estimate));
    link.onerror = () => (answered = true, once(undefined));
    const check = () => {
      const bytes = timedBytes(url);
      if (bytes !== undefined) return once(bytes);
      if (!answered) {
        ignored = true;
        link.onload = link.onerror = null;
        return next();
      }
      const left = 10_000 - (performance.now() - t0);
      if (left > 0) t = setTimeout(check, left);
      else once(undefined);
    };
    t = setTimeout(check, answered ? 10_000 : Math.max(2_000, 3 * ms));
  }
  document.head.append(el);
  return () => {
    el.remove();
    inner?.();
    once(undefined);
  };
}
