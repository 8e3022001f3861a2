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

/**
 * Starts every lazy image that shows in the viewport now, with `fetchpriority="high"`, and marks
 * it so that lazy loading adopts it later instead of starting it again. Images only: setting an
 * iframe's `src` twice would load it twice.
 */
export function promoteFirstViewport(): void {
  for (const x of document.querySelectorAll(LAZY_SELECTOR)) {
    const el = lazyTarget(x);
    // Skipped when already started: by an earlier pass, or by lazy loading itself (its classes).
    if (el?.tagName == 'IMG' && !el.hasAttribute(FIRST) && !/\bpp-/.test(el.className) && inViewport(el)) {
      start(el);
      el.setAttribute(FIRST, '');
    }
  }
}

/**
 * The LCP guard's first half, eager while the rest of lazy loading is a chunk: once the document
 * is whole, lazy images in the first viewport start loading at once with `fetchpriority="high"`,
 * not one round trip later when the chunk arrives. The chunk then adopts them: its start-up scan
 * finds them in the viewport and counts them as eager. Returns a canceller.
 */
export function startFirstViewport(): () => void {
  const run = () => {
    document.removeEventListener('DOMContentLoaded', run);
    promoteFirstViewport();
  };
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
  return () => document.removeEventListener('DOMContentLoaded', run);
}
