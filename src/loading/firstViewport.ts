import { FIRST, inViewport, LAZY_SELECTOR, lazyTarget } from './lazyElements';

/**
 * What lazy loading's `reveal` does to an image, cut down to what an image in the first viewport
 * needs (this runs eagerly, and inlined: every byte counts): high priority, no native lazy hold-back,
 * and its `data-*` (and its `<picture>` sources') copied to the real attributes. Lazy loading
 * adopts it when its chunk arrives and watches its load event then.
 */
function start(img: HTMLElement): void {
  img.setAttribute('fetchpriority', 'high');
  img.removeAttribute('loading');
  const p = img.parentElement;
  for (const el of [...(p?.tagName == 'PICTURE' ? p.querySelectorAll('source') : []), img]) {
    // `sizes` before `srcset` before `src`: the image picks its candidate once, from what is set.
    for (const a of ['sizes', 'srcset', 'src']) {
      const v = el.getAttribute(`data-${a}`);
      if (v != null) el.setAttribute(a, v);
    }
  }
}

/** Lazy images not started yet: by an earlier pass, or by lazy loading itself (its classes). */
const pending = (): HTMLElement[] =>
  [...document.querySelectorAll(LAZY_SELECTOR)].map(lazyTarget).filter((el): el is HTMLElement =>
    el?.tagName == 'IMG' && !el.hasAttribute(FIRST) && !/\bpp-/.test(el.className));

const promote = (el: Element) => {
  start(el as HTMLElement);
  el.setAttribute(FIRST, '');
};

/**
 * Starts every lazy image that shows in the viewport now, with `fetchpriority="high"`, and marks
 * it so that lazy loading adopts it later instead of starting it again. Images only: setting an
 * iframe's `src` twice would load it twice. For the inlined script, which runs while the HTML is
 * parsed: it reads layout (all reads, then all writes, so one layout, not one per image).
 */
export function promoteFirstViewport(): void {
  pending().filter(inViewport).forEach(promote);
}

/**
 * The LCP guard's first half, eager while the rest of lazy loading is a chunk: once the document
 * is whole, lazy images in the first viewport start loading at once with `fetchpriority="high"`,
 * not one round trip later when the chunk arrives. The chunk then adopts them: its start-up scan
 * finds them in the viewport and counts them as eager. Asked of an IntersectionObserver, whose
 * first answer comes with the page's first layout — when native `loading="lazy"` decides too —
 * so that no layout is forced inside pagepace's own task (Lighthouse counted it there: 25 ms of
 * a 58 ms task at 4x CPU). Returns a canceller.
 */
export function startFirstViewport(): () => void {
  const io = new IntersectionObserver((entries) => {
    io.disconnect();
    for (const e of entries) {
      const r = e.intersectionRect;
      // Zero-size images sit at 0,0 and would always intersect; one lazy loading started meanwhile is its own.
      if (r.width * r.height && !/\bpp-/.test(e.target.className)) promote(e.target);
    }
  });
  const run = () => pending().forEach((el) => io.observe(el));
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', run, { once: true });
  else run();
  return () => {
    document.removeEventListener('DOMContentLoaded', run);
    io.disconnect();
  };
}
