// The strict-CSP pages' own code (inline script is refused there; csp.html, and tt.html under
// Trusted Types): events from the script tag's instance and from one that encodes in a Web Worker
// (worker-src 'self'), and prefetch under the policy.
/* global H -- the engine pages' helper script */
addEventListener('load', async () => {
  const tag = H.pace();
  const worker = window.PagePace.createPagePace({ endpoint: '/collect', worker: true, vitals: false, lazy: false, prefetch: false });
  for (let i = 0; i < 10; i++) {
    tag.track(`${H.scenario}.tag`, i);
    worker.track(`${H.scenario}.worker`, i);
  }
  await Promise.all([tag.flush(), worker.flush()]);
  const pf = await H.until(() => { const p = tag.stats().prefetch; return p && p.page > 0 && p; }, 6000);
  const w = worker.stats();
  H.report('done', { trustedTypes: typeof trustedTypes == 'object', encoder: w.encoder, sent: w.sent, errors: w.errors, prefetch: pf || tag.stats().prefetch || null });
});
