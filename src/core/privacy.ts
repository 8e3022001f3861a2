import type { PerfEvent } from './types';

/**
 * URL-looking, once trimmed and unwrapped: without spaces, a scheme (`https:`, `blob:`, `data:`…)
 * or a path with a slash (`/a`, `../x.js`, `img/hero.png`); or anything with a query (`hero.png?t=1`).
 * Not: selectors (`main>img#hero`), words (`why?`), names (`route#2`).
 */
const URLISH = /^(?=\S*$)([a-z][\w+.-]*:|[^?#]*\/)|^data:|^\S*\?\S/i;

/**
 * Cuts what may be private from a URL-looking string: the query string and fragment, userinfo
 * (`https://user:password@…`), and a `data:` URL's payload (its content: `data:image/png` stays).
 * `url("…")` and surrounding spaces are unwrapped; other strings pass unchanged. Relative URLs
 * are cut, not resolved: the page URL travels with every batch, and this runs on every event.
 */
export function stripUrl(s: string): string {
  const t = s.trim().replace(/^url\((["']?)(.*)\1\)$/is, '$2');
  return URLISH.test(t) ? t.replace(/[?#].*|(?<=\/\/)[^/?#]*@|(?<=^data:[^;,]*)[;,].*/gis, '') : s;
}

/** Strips every URL-looking attribute of an event (own keys only); the event itself is never changed. */
export function stripEventUrls(e: PerfEvent): PerfEvent {
  let attrs: PerfEvent['attrs'];
  for (const [k, v] of Object.entries(e.attrs ?? {})) {
    const s = typeof v == 'string' ? stripUrl(v) : v;
    if (s !== v) (attrs ??= { ...e.attrs })[k] = s;
  }
  return attrs ? { ...e, attrs } : e;
}
