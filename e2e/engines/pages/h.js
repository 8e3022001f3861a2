// The harness every scenario page loads first (an external file, so strict-CSP pages can too):
// H.report(key, value) posts a finding to the suite's server; uncaught errors and unhandled
// rejections of any page are reported as `error`, policy violations as `violation`.
(() => {
  const scenario = document.documentElement.dataset.s || 'page';
  const report = (key, value) => {
    try {
      fetch('/result', { method: 'POST', body: JSON.stringify({ key: `${scenario}.${key}`, value }), keepalive: true }).catch(() => {});
    } catch {
      // nothing to report to (offline)
    }
  };
  addEventListener('error', (e) => report('error', `${location.pathname}${location.search}: ${e.message}`));
  addEventListener('unhandledrejection', (e) => report('error', `${location.pathname}${location.search}: unhandled rejection ${e.reason}`));
  addEventListener('securitypolicyviolation', (e) => report('violation', `${e.effectiveDirective} ${e.blockedURI} ${e.sample}`), true);
  /** Resolves with fn()'s first truthy value, or with its last value after `ms`. */
  const until = (fn, ms = 5000) => new Promise((resolve) => {
    const t0 = performance.now();
    const tick = () => {
      let v;
      try {
        v = fn();
      } catch {
        v = undefined;
      }
      if (v || performance.now() - t0 > ms) resolve(v);
      else setTimeout(tick, 50);
    };
    tick();
  });
  const pace = () => window.PagePace?.instance;
  /** Resolves once pagepace's binary codec chunk has arrived: a page left before that sends JSON (stats().jsonFallbacks, documented). */
  // The entry comes when the chunk is fetched; the module (and any chunk it imports) is evaluated a
  // little later, and a hide in that gap still sends JSON: 300 ms of grace on loopback.
  const codec = () => until(() => performance.getEntriesByType('resource').some((r) => /pagepace\.codec\.js/.test(r.name)), 8000)
    .then(() => new Promise((r) => setTimeout(r, 300)));
  window.H = { report, until, pace, codec, scenario };
})();
