/** Marks an image the first-viewport guard started (see firstViewport.ts). */
export const FIRST = 'data-pp-first';

/** Every attribute that marks something to load lazily. */
export const LAZY_SELECTOR = '[data-src],[data-srcset],[data-bg],[data-poster],[data-lazy-component]';

// `sizes` before `srcset` before `src`: the image picks its candidate once, from what is set.
const ATTRS = ['sizes', 'srcset', 'src', 'poster'];

/**
 * The element whose loading a lazy attribute belongs to: a `<source>` belongs to its
 * `<picture>`'s `<img>` or to its `<video>`/`<audio>`; anything else to itself.
 */
export function lazyTarget(el: Element): HTMLElement | null {
  if (el.tagName != 'SOURCE') return el as HTMLElement;
  const p = el.parentElement;
  return p?.tagName == 'PICTURE' ? p.querySelector('img') : p;
}

/**
 * Whether an element shows in the viewport now. Zero-size elements do not count: a hidden
 * element or an image without dimensions sits at 0,0 and would otherwise always "show".
 */
export function inViewport(el: Element): boolean {
  const r = el.getBoundingClientRect();
  return r.width * r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
}

/** The URL a lazy element stands for: what the LCP memory remembers it by. */
export const lazyKey = (el: Element): string | null =>
  el.getAttribute('data-src') ?? el.getAttribute('data-bg') ?? el.getAttribute('data-srcset') ?? el.getAttribute('data-poster');

const copy = (el: Element) => {
  for (const a of ATTRS) {
    const v = el.getAttribute(`data-${a}`);
    // Set even when equal: setting `src` again is what makes a failed image fetch once more.
    if (v != null) el.setAttribute(a, v);
  }
};

/** Calls `cb(true)` on the first `load`, `cb(false)` on the first `error` of `t`. */
export function once(t: EventTarget, cb: (ok: boolean) => void): void {
  const h = (e: Event) => {
    t.removeEventListener('load', h);
    t.removeEventListener('error', h);
    cb(e.type == 'load');
  };
  t.addEventListener('load', h);
  t.addEventListener('error', h);
}

/**
 * Starts loading a lazy element from its `data-*` attributes (kept, so that a retry can run
 * this again) and calls `done(ok, url)` when it has loaded or failed. Components are not
 * handled here (see components.ts).
 */
export function reveal(el: HTMLElement, high: boolean, done: (ok: boolean, url?: string) => void): void {
  const tag = el.tagName;
  if (el.hasAttribute(FIRST)) {
    // Started by the first-viewport guard before lazy loading's chunk came: adopt it as it is.
    el.removeAttribute(FIRST);
    const img = el as HTMLImageElement;
    if (img.complete) done(img.naturalWidth > 0, img.currentSrc);
    else once(img, (ok) => done(ok, img.currentSrc));
    return;
  }
  const p = el.parentElement;
  if (high) {
    el.setAttribute('fetchpriority', 'high');
    // Whatever the markup says: native lazy loading would hold it back until layout.
    el.removeAttribute('loading');
  }
  const bg = el.getAttribute('data-bg');
  if (bg) {
    // Fetch through an Image first: the class then tells the truth, and the style only ever
    // points at a picture that is already decoded.
    const img = new Image();
    if (high) img.fetchPriority = 'high';
    once(img, (ok) => {
      if (ok) el.style.backgroundImage = `url("${bg}")`;
      done(ok, img.src);
    });
    img.src = bg;
  }
  if (tag == 'IMG' || tag == 'IFRAME') once(el, (ok) => done(ok, (el as HTMLImageElement).currentSrc || (el as HTMLIFrameElement).src));
  const sources = tag == 'VIDEO' || tag == 'AUDIO' ? el.querySelectorAll('source') : p?.tagName == 'PICTURE' ? p.querySelectorAll('source') : [];
  sources.forEach(copy);
  copy(el);
  if (tag == 'VIDEO' || tag == 'AUDIO') {
    // A media element does not look at changed <source> children by itself; and with
    // preload=none it never fires a load event, so it counts as loaded once it is pointed.
    if (sources.length) (el as HTMLMediaElement).load();
    done(true);
  } else if (tag != 'IMG' && tag != 'IFRAME' && !bg) done(true);
}
