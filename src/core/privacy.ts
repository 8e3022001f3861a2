import type { PerfEvent } from './types';

const URLISH = /^(?:[a-z][a-z0-9+.-]*:)?\/\/|^\//i;

/** Cuts the query string and fragment off a URL-looking string; other strings pass unchanged. */
export function stripUrl(s: string): string {
  if (!URLISH.test(s)) return s;
  const cut = s.search(/[?#]/);
  return cut < 0 ? s : s.slice(0, cut);
}

/** Strips query strings and fragments from every URL-looking attribute of an event. */
export function stripEventUrls(e: PerfEvent): PerfEvent {
  if (!e.attrs) return e;
  let attrs: PerfEvent['attrs'];
  for (const k in e.attrs) {
    const v = e.attrs[k];
    if (typeof v === 'string') {
      const s = stripUrl(v);
      if (s !== v) (attrs ??= { ...e.attrs })[k] = s;
    }
  }
  return attrs ? { ...e, attrs } : e;
}
