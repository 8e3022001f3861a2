// cdn.html and sandboxed.html: pagepace's script tag loaded from another origin than the page's
// (or into an opaque origin). Every lazy part must still come: the lazy image loads, the codec
// arrives (so batches are binary), web-vitals starts (its FCP arrives); then one event is tracked.
/* global H -- the engine pages' helper script */
(async () => {
  const pace = await H.until(() => H.pace(), 5000);
  if (!pace) return H.report('done', { started: false });
  const lazy = await H.until(() => pace.stats().lazy?.loaded, 8000);
  await H.codec();
  pace.track(`${H.scenario}.t`, 1);
  // WebKitGTK 2.50 gives a sandboxed iframe no paint timing (and a navigation entry of zeros): no FCP to report there.
  const paint = performance.getEntriesByType('paint').length > 0;
  H.report('done', { started: true, lazy: lazy ?? 0, outbox: pace.stats().outbox ?? null, paint });
})();
