// spa.html: a router's History API calls (push, back, replace, and one through a wrapper the
// router puts over pushState after pagepace started, as routers do), with routes: { auto: true }.
// One event is tracked in each view; the scenario checks each carries its own route.
/* global H -- the engine pages' helper script */
(async () => {
  const pace = window.PagePace.createPagePace({ endpoint: '/collect', routes: { auto: true }, prefetch: false, lazy: false });
  await H.codec();
  const settle = () => new Promise((r) => setTimeout(r, 100));
  pace.track('spa.home', 1);
  history.pushState({}, '', '/e/spa/cart');
  pace.track('spa.cart', 1);
  const popped = new Promise((r) => addEventListener('popstate', r, { once: true }));
  history.back();
  await popped;
  await settle();
  pace.track('spa.back', 1);
  const push = history.pushState;
  history.pushState = function (...args) {
    return push.apply(this, args); // a router's own wrapper, over pagepace's
  };
  history.pushState({}, '', '/e/spa/product/42');
  pace.track('spa.product', 1);
  history.replaceState({}, '', '/e/spa/checkout');
  pace.track('spa.checkout', 1);
  await pace.flush();
  H.report('done', { navigationApi: 'navigation' in window });
})();
