/** What decides whether a URL may be prefetched. */
export interface LinkRules {
  /** Origins other than the page's own that may be prefetched, e.g. `https://cdn.example.com`. */
  origins: readonly string[];
  /** URLs matching any of these are never prefetched. */
  ignore: readonly RegExp[];
}

/** Never prefetched by default: sign-out links, state-changing `action=` URLs, downloads. */
export const DEFAULT_IGNORE: readonly RegExp[] = [/log-?out|sign-?out/i, /[?&]action=/i, /\.(zip|gz|dmg|exe|pdf|apk|iso)([?#]|$)/i];

/**
 * The URL to prefetch for `href` seen on page `here`, without its fragment; undefined when it
 * must not be prefetched: not http(s), another origin not allowed, ignored, or this same page.
 */
export function prefetchable(href: string, here: string, rules: LinkRules): string | undefined {
  try {
    const u = new URL(href, here);
    const base = new URL(here);
    const url = u.href.split('#')[0]!;
    const ok = /^https?:$/.test(u.protocol) && url != base.href.split('#')[0] && (u.origin == base.origin || rules.origins.includes(u.origin));
    return ok && !rules.ignore.some((r) => r.test(url)) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The prefetchable URL of a link element, checking what only the DOM knows too. */
export function linkUrl(a: Element | null, rules: LinkRules): string | undefined {
  if (!(a instanceof HTMLAnchorElement) || a.hasAttribute('download') || (a.target && a.target != '_self') || a.closest('[data-no-prefetch]')) return undefined;
  return prefetchable(a.href, location.href, rules);
}
