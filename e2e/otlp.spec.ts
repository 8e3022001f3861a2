import { at, decodeOtlpJson } from './fixtures/backends/otlp-proto';
import { expect, test } from './fixtures';

/** Attributes of an OTLP JSON KeyValue list as { key: AnyValue }. */
const attrs = (list: Array<{ key: string; value: Record<string, unknown> }>) => Object.fromEntries(list.map((a) => [a.key, a.value]));

test('format otlp: the body the browser posts decodes with OpenTelemetry\'s definitions to the expected metrics', async ({ page, demo }) => {
  await page.goto('/fixtures/api.html?secret=1');
  const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/metrics');
  const t0 = Date.now();
  const session = await page.evaluate(async () => {
    const pace = (window as any).PagePace.createPagePace({ endpoint: '/v1/metrics', format: 'otlp', vitals: false });
    pace.track('checkout', 812.5, { step: 'pay', items: 3, vip: true, ratio: 0.25, big: 9007199254740991 });
    pace.track('checkout', 640);
    pace.track('cart:items', 4);
    await pace.flush();
    return { id: JSON.parse(sessionStorage.getItem('pagepace:session')!).id as string, stats: pace.stats() };
  });
  const t1 = Date.now();
  expect(session.stats).toMatchObject({ sent: 3, dropped: 0 });
  expect(session.stats.bytes.otlp).toBeGreaterThan(0);

  // The request exactly as the browser sent it.
  const req = await posted;
  expect(req.headers()['content-type']).toBe('application/json');
  const body = req.postData()!;
  expect(body).toContain(session.id);
  expect(demo.otlp().some((r) => JSON.stringify(r).includes(session.id))).toBe(true); // and the receiver got it

  // Decoded by OpenTelemetry's generated protobuf definitions (JSON → protobuf binary → JSON):
  // every field known and of the right type, so the round trip gives the body back unchanged.
  const { binary, decoded, int64Paths } = decodeOtlpJson(body);
  expect(binary.byteLength).toBeGreaterThan(100);
  expect(decoded).toEqual(JSON.parse(body));
  // What the definitions type as 64-bit integers travelled as decimal strings.
  const raw = JSON.parse(body);
  expect(int64Paths.length).toBe(3 * 2 + 2); // start and time of 3 points, intValue of items and big
  for (const p of int64Paths) expect(typeof at(raw, p), p).toBe('string');
  expect(body).toContain('{"key":"big","value":{"intValue":"9007199254740991"}}');

  // The expected metrics, read from the decoded message.
  const rms = decoded.resourceMetrics as any[];
  expect(rms).toHaveLength(1);
  const resource = attrs(rms[0].resource.attributes);
  expect(resource).toMatchObject({
    'service.name': { stringValue: 'pagepace' },
    'session.id': { stringValue: session.id },
    'pagepace.batch_id': { stringValue: expect.any(String) },
  });
  expect(resource['url.full']!.stringValue).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fixtures\/api\.html$/); // query stripped
  const [scope] = rms[0].scopeMetrics;
  expect(scope.scope).toMatchObject({ name: 'pagepace', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  expect(scope.metrics.map((m: any) => [m.name, m.unit, Object.keys(m).filter((k) => k !== 'name' && k !== 'unit' && k !== 'description')])).toEqual([
    ['pagepace.checkout', '1', ['gauge']],
    ['pagepace.cart:items', '1', ['gauge']],
  ]);
  const [checkout, cart] = scope.metrics.map((m: any) => m.gauge.dataPoints);
  expect(checkout.map((p: any) => p.asDouble)).toEqual([812.5, 640]);
  expect(cart.map((p: any) => p.asDouble)).toEqual([4]);
  expect(attrs(checkout[0].attributes)).toEqual({
    'pagepace.kind': { stringValue: 'custom' },
    step: { stringValue: 'pay' },
    items: { intValue: '3' },
    vip: { boolValue: true },
    ratio: { doubleValue: 0.25 },
    big: { intValue: '9007199254740991' },
  });
  expect(attrs(checkout[1].attributes)).toEqual({ 'pagepace.kind': { stringValue: 'custom' } });
  for (const p of [...checkout, ...cart]) {
    // Nanoseconds since the epoch, around when the test ran (page clocks may drift a little from Date.now()).
    const ns = BigInt(p.timeUnixNano);
    expect(ns).toBeGreaterThanOrEqual(BigInt(t0 - 5000) * 1_000_000n);
    expect(ns).toBeLessThanOrEqual(BigInt(t1 + 5000) * 1_000_000n);
    expect(p.startTimeUnixNano).toBe(p.timeUnixNano);
  }
});
