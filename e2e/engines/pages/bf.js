// bf.html and bfc.html (its control, without pagepace): ready once everything of pagepace has
// started and one event is tracked; a restore from the back/forward cache is reported, and
// tracks another event.
/* global H -- the engine pages' helper script */
addEventListener('pageshow', (e) => {
  if (!e.persisted) return;
  H.pace()?.track(`${H.scenario}.after`, 1);
  H.report('restored', true);
});
addEventListener('load', async () => {
  const pace = H.pace();
  if (pace) {
    await H.until(() => pace.stats().outbox, 8000);
    await H.codec();
    pace.track(`${H.scenario}.before`, 1);
  }
  H.report('ready', true);
});
