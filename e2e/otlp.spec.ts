import { expect, test } from './fixtures';

test('format otlp posts OTLP/HTTP JSON metrics that name each event pagepace.<name>', async ({ page, demo }) => {
  await page.goto('/fixtures/api.html?secret=1');
  const session = await page.evaluate(async () => {
    const pace = (window as any).PagePace.createPagePace({ endpoint: '/v1/metrics', format: 'otlp', vitals: false });
    pace.track('checkout', 812.5, { step: 'pay', items: 3, vip: true });
    pace.track('checkout', 640);
    await pace.flush();
    return { id: JSON.parse(sessionStorage.getItem('pagepace:session')!).id as string, stats: pace.stats() };
  });
  expect(session.stats).toMatchObject({ sent: 2, dropped: 0 });
  expect(session.stats.bytes.otlp).toBeGreaterThan(0);
  const req = demo.otlp().find((r) => JSON.stringify(r).includes(session.id));
  const rm = req.resourceMetrics[0];
  const resource = Object.fromEntries(rm.resource.attributes.map((a: any) => [a.key, Object.values(a.value)[0]]));
  expect(resource).toMatchObject({ 'service.name': 'pagepace', 'session.id': session.id });
  expect(resource['url.full']).toMatch(/\/fixtures\/api\.html$/); // query stripped
  const [metric] = rm.scopeMetrics[0].metrics;
  expect(metric).toMatchObject({ name: 'pagepace.checkout', unit: '1' });
  expect(metric.gauge.dataPoints.map((p: any) => p.asDouble)).toEqual([812.5, 640]);
  expect(metric.gauge.dataPoints[0].timeUnixNano).toMatch(/^\d{19}$/);
  expect(metric.gauge.dataPoints[0].attributes).toEqual(expect.arrayContaining([
    { key: 'pagepace.kind', value: { stringValue: 'custom' } },
    { key: 'step', value: { stringValue: 'pay' } },
    { key: 'items', value: { intValue: '3' } },
    { key: 'vip', value: { boolValue: true } },
  ]));
});
