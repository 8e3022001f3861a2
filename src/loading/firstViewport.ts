import { FIRST, inViewport, LAZY_SELECTOR, lazyTarget, reveal } from './lazyElements';

/**
 * The LCP guard's first half, eager while the rest of lazy loading is a chunk: once the document
 * is whole, lazy images in the first viewport start loading at once with `fetchpriority="high"`,
 * not one round trip later when the chunk arrives. The chunk then adopts them: its start-up scan
 * finds them in the viewport and counts them as eager. Images only: setting an iframe's `src`
 * twice would load it twice. Returns a canceller.
 */
export function startFirstViewport(): () => void {
  const run = () => {
    document.removeEventListener('DOMContentLoaded', run);
    for (const x of document.querySelectorAll(LAZY_SELECTOR)) {
      const el = lazyTarget(x);
      if (el?.tagName == 'IMG' && inViewport(el)) {
        reveal(el, true, () => {});
        el.setAttribute(FIRST, '');
      }
    }
  };
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
  return () => document.removeEventListener('DOMContentLoaded', run);
}
