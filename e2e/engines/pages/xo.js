// xo.html: one event tracked just before the page is left (it goes with the hide-time request);
// with ?warm, first one that goes live (so the browser holds the collector's preflight answer).
/* global H -- the engine pages' helper script */
(async () => {
  const pace = await H.until(() => H.pace(), 5000);
  await H.codec();
  const warm = location.search.includes('warm');
  if (warm) {
    pace.track('xo.live', 1);
    await pace.flush();
  }
  pace.track(`xo.hide${warm ? '.warm' : ''}`, 1);
  H.report('done', { sent: pace.stats().sent });
})();
