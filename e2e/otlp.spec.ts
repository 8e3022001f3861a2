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

/** Log records of the decoded ExportLogsServiceRequests in `bodies`. */
const recordsOf = (bodies: any[]) => bodies.flatMap((b) => b.resourceLogs?.flatMap((rl: any) => rl.scopeLogs.flatMap((sl: any) => sl.logRecords)) ?? []);
const SEMCONV = ['name', 'value', 'delta', 'rating', 'id', 'navigation_type'].map((k) => `browser.web_vital.${k}`);

test('format otlp: web vitals go as browser.web_vital log records to /v1/logs, which decode with OpenTelemetry\'s ExportLogsServiceRequest; the rest stay metrics', async ({ page, demo }) => {
  const posted: Array<{ path: string; body: string; type: string | undefined }> = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (r.method() === 'POST' && (path === '/v1/logs' || path === '/v1/metrics')) posted.push({ path, body: r.postData() ?? '', type: r.headers()['content-type'] });
  });
  await page.goto('/fixtures/api.html');
  await page.evaluate(() => {
    localStorage.removeItem('seen');
    // The vitals as the pipeline hands them on (after privacy and routes), kept across the page's end.
    const seen = (e: { kind: string }) => e.kind === 'vital' && localStorage.setItem('seen', JSON.stringify([...JSON.parse(localStorage.getItem('seen') ?? '[]'), e]));
    (window as any).pace = (window as any).PagePace.createPagePace({ endpoint: '/v1/metrics', format: 'otlp', onMetric: seen });
  });
  const seen = async () => page.evaluate(() => JSON.parse(localStorage.getItem('seen') ?? '[]') as Array<{ name: string; value: number; id: string; rating: string; attrs: Record<string, unknown> }>);
  await expect.poll(async () => (await seen()).map((e) => e.name).sort(), { timeout: 15_000 }).toEqual(expect.arrayContaining(['FCP', 'TTFB']));

  // A live flush of web vitals and a custom event: one batch, two requests.
  const stats = await page.evaluate(async () => {
    const pace = (window as any).pace;
    pace.track('checkout', 2);
    await pace.flush();
    return pace.stats();
  });
  expect(stats).toMatchObject({ dropped: 0, retried: 0, rejected: 0 });
  const session = JSON.parse(await page.evaluate(() => sessionStorage.getItem('pagepace:session')!)).id as string;
  const logsPosts = posted.filter((p) => p.path === '/v1/logs');
  const metricsPosts = posted.filter((p) => p.path === '/v1/metrics');
  expect(logsPosts).toHaveLength(1);
  expect(metricsPosts).toHaveLength(1);
  const [logs] = logsPosts;
  expect(logs!.type).toBe('application/json');

  // Decoded by OpenTelemetry's generated definitions (JSON → protobuf → JSON): the body comes back unchanged.
  const { binary, decoded, int64Paths } = decodeOtlpJson(logs!.body, 'logs');
  expect(binary.byteLength).toBeGreaterThan(100);
  expect(decoded).toEqual(JSON.parse(logs!.body));
  const raw = JSON.parse(logs!.body);
  for (const p of int64Paths) expect(typeof at(raw, p), p).toBe('string');
  const rls = decoded.resourceLogs as any[];
  expect(rls).toHaveLength(1);
  const resource = attrs(rls[0].resource.attributes);
  expect(resource).toMatchObject({ 'service.name': { stringValue: 'pagepace' }, 'session.id': { stringValue: session } });
  const metricsResource = attrs(JSON.parse(metricsPosts[0]!.body).resourceMetrics[0].resource.attributes);
  expect(resource['pagepace.batch_id']!.stringValue).toBe(`${String(metricsResource['pagepace.batch_id']!.stringValue)}-logs`); // the two halves of one batch
  expect(rls[0].scopeLogs[0].scope).toMatchObject({ name: 'pagepace', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });

  const byId = new Map((await seen()).map((e) => [e.id, e]));
  const records = recordsOf([decoded]);
  expect(records.map((r) => attrs(r.attributes)['browser.web_vital.name']!.stringValue).sort()).toEqual(expect.arrayContaining(['fcp', 'ttfb']));
  for (const r of records) {
    expect(r).toMatchObject({ eventName: 'browser.web_vital', severityNumber: 9 });
    expect(r.observedTimeUnixNano).toBe(r.timeUnixNano);
    expect(r.body).toBeUndefined();
    const a = attrs(r.attributes);
    const e = byId.get(a['browser.web_vital.id']!.stringValue as string)!;
    expect(e, 'a record for a vital the page recorded').toBeDefined();
    expect(r.attributes.slice(0, 6).map((kv: any) => kv.key)).toEqual(SEMCONV);
    expect(a).toMatchObject({
      'browser.web_vital.name': { stringValue: e.name.toLowerCase() },
      'browser.web_vital.value': { doubleValue: e.value },
      'browser.web_vital.delta': { doubleValue: e.attrs.delta ?? e.value },
      'browser.web_vital.rating': { stringValue: e.rating },
      'browser.web_vital.navigation_type': { stringValue: 'navigate' },
    });
    // pagepace's own attrs follow, attribution breakdowns included; the two it mapped are not repeated.
    expect(Object.keys(a).filter((k) => k.startsWith('attribution.')).length).toBeGreaterThan(0);
    expect(a).not.toHaveProperty('navigationType');
    expect(a).not.toHaveProperty('delta');
  }
  // The metrics half holds the rest, no vital among them.
  const metrics = decodeOtlpJson(metricsPosts[0]!.body);
  expect(metrics.decoded).toEqual(JSON.parse(metricsPosts[0]!.body));
  const names = (metrics.decoded.resourceMetrics as any[])[0].scopeMetrics[0].metrics.map((m: any) => m.name);
  expect(names).toContain('pagepace.checkout');
  expect(names.filter((n: string) => /^pagepace\.(LCP|INP|CLS|FCP|TTFB)$/.test(n))).toEqual([]);

  // At page hide LCP and CLS (and INP, given an interaction) follow by the synchronous path, to /v1/logs too.
  await page.click('#work');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
  await page.goto('/fixtures/blank.html');
  // The demo receiver keeps a body only at its own signal's path (logs at /v1/metrics are refused):
  // what it holds went where it should.
  const mine = () => demo.otlp().filter((b) => JSON.stringify(b).includes(session));
  await expect.poll(() => recordsOf(mine()).map((r) => attrs(r.attributes)['browser.web_vital.name']!.stringValue), { timeout: 15_000 })
    .toEqual(expect.arrayContaining(['ttfb', 'fcp', 'lcp', 'cls']));
  for (const body of mine()) {
    const signal = body.resourceLogs ? 'logs' : 'metrics';
    expect(decodeOtlpJson(JSON.stringify(body), signal).decoded, signal).toEqual(body);
  }
  // Each vital once (by id and value): nothing sent twice, nothing sent as a gauge.
  const sent = recordsOf(mine()).map((r) => { const a = attrs(r.attributes); return `${String(a['browser.web_vital.id']!.stringValue)}:${String(a['browser.web_vital.value']!.doubleValue)}`; });
  expect(new Set(sent).size).toBe(sent.length);
  const gauges = mine().flatMap((b) => b.resourceMetrics?.[0].scopeMetrics[0].metrics.map((m: any) => m.name) ?? []);
  expect(gauges.filter((n: string) => /^pagepace\.(LCP|INP|CLS|FCP|TTFB)$/.test(n))).toEqual([]);
  expect(gauges).toContain('pagepace.stats'); // the hide's stats event: a metric as before
});
