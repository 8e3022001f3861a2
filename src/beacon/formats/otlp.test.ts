import { JsonLogsSerializer, JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { Batch, PerfEvent } from '../../core/types';
import { at, decodeOtlpJson } from '../../../e2e/fixtures/backends/otlp-proto';
import { splitSignals } from '../signals';
import { encodeOtlp, encodeOtlpLogs, otlpPath, otlpRequest, otlpUrl, unixNano } from './otlp';

const batch: Batch = {
  v: 1, batchId: 'b1', sessionId: 's1', page: 'https://shop.test/cart', sentAt: 1_700_000_001_000,
  events: [
    { kind: 'vital', name: 'LCP', value: 2400.5, unit: 'ms', rating: 'good', ts: 1_700_000_000_123.4, id: 'v5-1', attrs: { navigationType: 'navigate', 'attribution.target': 'img.hero' } },
    { kind: 'vital', name: 'CLS', value: 0.12, rating: 'needs-improvement', ts: 1_700_000_000_200, id: 'v5-2' },
    { kind: 'custom', name: 'cart', value: 3, ts: 1_700_000_000_300, attrs: { items: 3, vip: true, ratio: 0.5 } },
    { kind: 'custom', name: 'cart', value: 4, ts: 1_700_000_000_400.25 },
  ],
};

/** The same batch as OpenTelemetry's SDK models it, so OpenTelemetry's own serializer can encode it. */
function asSdkMetrics(b: Batch): ResourceMetrics {
  const byName = new Map<string, PerfEvent[]>();
  for (const e of b.events) byName.set(e.name, [...(byName.get(e.name) ?? []), e]);
  // pagepace resolves times to the microsecond (see unixNano): give OpenTelemetry the same instant.
  const hr = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e3) * 1e3];
  return {
    resource: resourceFromAttributes({ 'service.name': 'pagepace', 'session.id': b.sessionId, 'url.full': b.page, 'pagepace.batch_id': b.batchId }),
    scopeMetrics: [{
      scope: { name: 'pagepace', version: '0.1.0' },
      metrics: [...byName].map(([name, events]) => ({
        descriptor: { name: `pagepace.${name}`, description: '', unit: events[0]!.unit ?? '1', valueType: 1 },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: events.map((e) => ({
          startTime: hr(e.ts), endTime: hr(e.ts), value: e.value,
          attributes: { 'pagepace.kind': e.kind, ...(e.rating ? { 'pagepace.rating': e.rating } : {}), ...(e.id ? { 'pagepace.id': e.id } : {}), ...e.attrs },
        })),
      })),
    }],
  } as unknown as ResourceMetrics;
}

/**
 * The one known difference, made up exactly: OpenTelemetry JS writes `intValue` as a JSON number,
 * where the OTLP JSON rules (which pagepace follows) say string; receivers accept both. Only
 * OpenTelemetry's side is rewritten, and only for safe integers, whose decimal string is exact.
 */
function intValuesAsStrings(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json), (k, v) => {
    if (k !== 'intValue' || typeof v !== 'number') return v;
    if (!Number.isSafeInteger(v)) throw new Error(`intValue ${v} is not exact as a JSON number`);
    return String(v);
  });
}

describe('OTLP/HTTP JSON', () => {
  it('equals what OpenTelemetry\'s own JsonMetricsSerializer produces for the same metrics', () => {
    const ours = JSON.parse(encodeOtlp(batch, '0.1.0'));
    const theirs = JSON.parse(new TextDecoder().decode(JsonMetricsSerializer.serializeRequest(asSdkMetrics(batch))));
    expect(ours).toEqual(intValuesAsStrings(theirs));
    expect(JSON.stringify(theirs)).toContain('"intValue":3'); // the difference is still the one we know
  });

  it('decodes with OpenTelemetry\'s generated protobuf definitions back to itself, 64-bit ints as strings', () => {
    const body = encodeOtlp(batch, '0.1.0');
    const { binary, decoded, int64Paths } = decodeOtlpJson(body);
    expect(binary.byteLength).toBeGreaterThan(0);
    // Every field is known to the definitions and has their type: nothing lost, nothing retyped.
    expect(decoded).toEqual(JSON.parse(body));
    // The fields the definitions type as 64-bit integers are strings in our body.
    const raw = JSON.parse(body);
    expect(int64Paths.filter((p) => p.endsWith('.intValue'))).toHaveLength(1); // items: 3
    expect(int64Paths.filter((p) => /\.(startT|t)imeUnixNano$/.test(p))).toHaveLength(2 * batch.events.length);
    for (const p of int64Paths) expect(at(raw, p), p).toMatch(/^\d+$/);
  });

  it('the protobuf round trip catches a body that breaks the OTLP JSON rules', () => {
    const good = JSON.parse(encodeOtlp(batch, '0.1.0'));
    const point = (j: any) => j.resourceMetrics[0].scopeMetrics[0].metrics[2].gauge.dataPoints[0];
    const broken = [
      (j: any) => (point(j).attributes.find((a: any) => a.key === 'items').value = { intValue: 3 }), // int64 as a number
      (j: any) => ((point(j).time_unix_nano = point(j).timeUnixNano), delete point(j).timeUnixNano), // snake_case
      (j: any) => (point(j).asDouble = String(point(j).asDouble)), // double as a string
      (j: any) => (j.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.data_points = []), // unknown field
    ];
    for (const breakIt of broken) {
      const bad = structuredClone(good);
      breakIt(bad);
      expect(decodeOtlpJson(JSON.stringify(bad)).decoded).not.toEqual(bad);
    }
  });

  it('follows the OTLP JSON rules: 64-bit ints as strings, exact nanosecond strings, lowerCamelCase keys', () => {
    const json = encodeOtlp(batch, '0.1.0');
    expect(json).toContain('{"key":"items","value":{"intValue":"3"}}');
    expect(json).toContain('"timeUnixNano":"1700000000123400000"');
    expect(json).not.toMatch(/_[a-z]+":/); // no snake_case field names
  });

  it('sends an event\'s own attributes only, whatever Object.prototype carries', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'x';
    try {
      const [metrics, logs] = splitSignals(batch);
      const bodies = [encodeOtlp(metrics!, '1'), encodeOtlpLogs(logs!, '1')];
      expect(bodies.map((b) => b.includes('"key":"items"') || b.includes('"key":"attribution.target"'))).toEqual([true, true]);
      expect(bodies.filter((b) => b.includes('polluted'))).toEqual([]);
    } finally {
      delete proto.polluted;
    }
  });

  it('turns epoch milliseconds into exact nanoseconds', () => {
    expect(unixNano(1_700_000_000_123.4)).toBe('1700000000123400000');
    expect(unixNano(1_700_000_000_000)).toBe('1700000000000000000');
    expect(unixNano(0.9999999)).toBe('1000000');
    expect(unixNano(1.25)).toBe('1250000');
  });
});

/** Web vitals as pagepace's web-vitals source records them (src/vitals/webVitals.ts). */
const vitals: Batch = {
  v: 1, batchId: 'b2', sessionId: 's1', page: 'https://shop.test/cart', sentAt: 1_700_000_001_000,
  events: [
    { kind: 'vital', name: 'LCP', value: 2400.5, unit: 'ms', rating: 'good', ts: 1_700_000_000_123.4, id: 'v5-1', attrs: { navigationType: 'navigate', route: '/cart', 'attribution.target': 'img.hero', 'attribution.resourceLoadDelay': 12 } },
    { kind: 'vital', name: 'CLS', value: 0, rating: 'good', ts: 1_700_000_000_200, id: 'v5-2', attrs: { navigationType: 'back-forward-cache' } },
    { kind: 'vital', name: 'INP', value: 184, unit: 'ms', rating: 'good', ts: 1_700_000_000_300, id: 'v5-3', attrs: { navigationType: 'navigate', delta: 40, 'attribution.longestScript.invoker': 'BUTTON#buy.onclick' } },
    { kind: 'vital', name: 'TTFB', value: 95.25, unit: 'ms', rating: 'good', ts: 1_700_000_000_050, id: 'v5-4', attrs: { navigationType: 'reload' } },
    { kind: 'vital', name: 'FCP', value: 1800, unit: 'ms', rating: 'needs-improvement', ts: 1_700_000_000_060, id: 'v5-5', attrs: { navigationType: 'navigate' } },
  ],
};

type SdkLogRecords = Parameters<typeof JsonLogsSerializer.serializeRequest>[0];

/**
 * The same web vitals as OpenTelemetry's browser instrumentation emits them (a log record named
 * `browser.web_vital`, severity INFO, the semantic-convention attributes; open-telemetry/
 * opentelemetry-browser, packages/instrumentation/src/web-vitals), with pagepace's other attrs.
 */
function asSdkLogs(b: Batch): SdkLogRecords {
  const hr = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e3) * 1e3];
  const resource = resourceFromAttributes({ 'service.name': 'pagepace', 'session.id': b.sessionId, 'url.full': b.page, 'pagepace.batch_id': b.batchId });
  const instrumentationScope = { name: 'pagepace', version: '0.1.0' };
  return b.events.map((e) => {
    const { navigationType, delta, ...rest } = e.attrs ?? {};
    return {
      resource, instrumentationScope, hrTime: hr(e.ts), hrTimeObserved: hr(e.ts), severityNumber: 9, eventName: 'browser.web_vital', droppedAttributesCount: 0,
      attributes: {
        'browser.web_vital.name': e.name.toLowerCase(),
        'browser.web_vital.value': e.value,
        'browser.web_vital.delta': delta ?? e.value,
        'browser.web_vital.rating': e.rating,
        'browser.web_vital.id': e.id,
        'browser.web_vital.navigation_type': navigationType,
        ...rest,
      },
    };
  });
}

/**
 * The known differences of OpenTelemetry JS's logs serializer, made up exactly on its side: a JS
 * number that happens to be whole is written as `intValue` (a JSON number), where the conventions
 * type `value` and `delta` as double (pagepace writes `doubleValue`); other integers as JSON
 * numbers (see intValuesAsStrings); and an absent body as an empty AnyValue `{}`.
 */
function otelLogsAsPagepace(json: unknown): unknown {
  return intValuesAsStrings(JSON.parse(JSON.stringify(json), function (k, v) {
    if (k === 'body' && v && typeof v === 'object' && !Object.keys(v).length) return undefined;
    if (k === 'value' && /^browser\.web_vital\.(value|delta)$/.test(this.key) && typeof v.intValue === 'number') return { doubleValue: v.intValue };
    return v;
  }));
}

/** Attributes of an OTLP JSON KeyValue list as { key: AnyValue }. */
const attrsOf = (list: Array<{ key: string; value: unknown }>) => Object.fromEntries(list.map((a) => [a.key, a.value]));

describe('OTLP/HTTP JSON logs: web vitals as browser.web_vital events', () => {
  it('equals what OpenTelemetry\'s own JsonLogsSerializer produces for the same log records', () => {
    const ours = JSON.parse(encodeOtlpLogs(vitals, '0.1.0'));
    const raw = JSON.parse(new TextDecoder().decode(JsonLogsSerializer.serializeRequest(asSdkLogs(vitals))));
    expect(ours).toEqual(otelLogsAsPagepace(raw));
    // The differences are still the ones we know.
    expect(JSON.stringify(raw)).toContain('"body":{}');
    expect(JSON.stringify(raw)).toContain('{"key":"browser.web_vital.value","value":{"intValue":184}}');
  });

  it('maps each vital to the semantic conventions\' attributes: exactly those names, value and delta as doubles, then pagepace\'s attrs', () => {
    const body = JSON.parse(encodeOtlpLogs(vitals, '0.1.0'));
    expect(Object.keys(body)).toEqual(['resourceLogs']);
    const [rl] = body.resourceLogs;
    expect(attrsOf(rl.resource.attributes)).toEqual({
      'service.name': { stringValue: 'pagepace' }, 'session.id': { stringValue: 's1' }, 'url.full': { stringValue: 'https://shop.test/cart' }, 'pagepace.batch_id': { stringValue: 'b2' },
    });
    expect(rl.scopeLogs).toHaveLength(1);
    expect(rl.scopeLogs[0].scope).toEqual({ name: 'pagepace', version: '0.1.0' });
    const records = rl.scopeLogs[0].logRecords;
    expect(records).toHaveLength(5);
    for (const r of records) {
      expect(Object.keys(r).sort()).toEqual(['attributes', 'droppedAttributesCount', 'eventName', 'observedTimeUnixNano', 'severityNumber', 'timeUnixNano']); // no body
      expect(r).toMatchObject({ eventName: 'browser.web_vital', severityNumber: 9 });
      expect(r.observedTimeUnixNano).toBe(r.timeUnixNano);
    }
    expect(records[0].timeUnixNano).toBe('1700000000123400000');
    const [lcp, cls, inp, ttfb, fcp] = records.map((r: { attributes: Array<{ key: string; value: unknown }> }) => r.attributes);
    expect(lcp).toEqual([
      { key: 'browser.web_vital.name', value: { stringValue: 'lcp' } },
      { key: 'browser.web_vital.value', value: { doubleValue: 2400.5 } },
      { key: 'browser.web_vital.delta', value: { doubleValue: 2400.5 } }, // no delta apart: the first report
      { key: 'browser.web_vital.rating', value: { stringValue: 'good' } },
      { key: 'browser.web_vital.id', value: { stringValue: 'v5-1' } },
      { key: 'browser.web_vital.navigation_type', value: { stringValue: 'navigate' } },
      { key: 'route', value: { stringValue: '/cart' } },
      { key: 'attribution.target', value: { stringValue: 'img.hero' } },
      { key: 'attribution.resourceLoadDelay', value: { intValue: '12' } },
    ]);
    expect(attrsOf(cls)).toEqual({
      'browser.web_vital.name': { stringValue: 'cls' }, 'browser.web_vital.value': { doubleValue: 0 }, 'browser.web_vital.delta': { doubleValue: 0 },
      'browser.web_vital.rating': { stringValue: 'good' }, 'browser.web_vital.id': { stringValue: 'v5-2' }, 'browser.web_vital.navigation_type': { stringValue: 'back-forward-cache' },
    });
    expect(attrsOf(inp)).toMatchObject({ 'browser.web_vital.value': { doubleValue: 184 }, 'browser.web_vital.delta': { doubleValue: 40 }, 'attribution.longestScript.invoker': { stringValue: 'BUTTON#buy.onclick' } });
    expect(attrsOf(inp)).not.toHaveProperty('delta');
    expect(attrsOf(inp)).not.toHaveProperty('navigationType');
    expect(attrsOf(ttfb)['browser.web_vital.name']).toEqual({ stringValue: 'ttfb' });
    expect(attrsOf(fcp)).toMatchObject({ 'browser.web_vital.name': { stringValue: 'fcp' }, 'browser.web_vital.rating': { stringValue: 'needs-improvement' } });
  });

  it('decodes with OpenTelemetry\'s generated ExportLogsServiceRequest back to itself, eventName included', () => {
    const body = encodeOtlpLogs(vitals, '0.1.0');
    const { binary, decoded, int64Paths } = decodeOtlpJson(body, 'logs');
    expect(binary.byteLength).toBeGreaterThan(0);
    expect(decoded).toEqual(JSON.parse(body));
    const raw = JSON.parse(body);
    expect(int64Paths.filter((p) => /\.(observedT|t)imeUnixNano$/.test(p))).toHaveLength(2 * vitals.events.length);
    expect(int64Paths.filter((p) => p.endsWith('.intValue'))).toHaveLength(1); // attribution.resourceLoadDelay
    for (const p of int64Paths) expect(at(raw, p), p).toMatch(/^\d+$/);
    // Read as metrics, the same body is not a request the definitions know.
    expect(decodeOtlpJson(body).decoded).not.toEqual(raw);
  });

  it('the protobuf round trip catches a log record that breaks the rules', () => {
    const good = JSON.parse(encodeOtlpLogs(vitals, '0.1.0'));
    const record = (j: any) => j.resourceLogs[0].scopeLogs[0].logRecords[0];
    const broken = [
      (j: any) => ((record(j).event_name = record(j).eventName), delete record(j).eventName), // snake_case
      (j: any) => (record(j).timeUnixNano = Number(record(j).timeUnixNano)), // fixed64 as a number
      (j: any) => (record(j).attributes[1].value = { doubleValue: '2400.5' }), // double as a string
      (j: any) => (record(j).name = 'browser.web_vital'), // not a LogRecord field
    ];
    for (const breakIt of broken) {
      const bad = structuredClone(good);
      breakIt(bad);
      expect(decodeOtlpJson(JSON.stringify(bad), 'logs').decoded).not.toEqual(bad);
    }
  });
});

describe('OTLP signals: which events go where', () => {
  const mixed: Batch = { ...batch, batchId: 'b3', events: [...batch.events, vitals.events[2]!] };

  it('splits a batch of both kinds into its other events (same id) and its web vitals (id + -logs); one kind stays whole', () => {
    const [metrics, logs, ...none] = splitSignals(mixed);
    expect(none).toEqual([]);
    expect(metrics).toEqual({ ...mixed, events: mixed.events.filter((e) => e.kind !== 'vital') });
    expect(logs).toEqual({ ...mixed, batchId: 'b3-logs', events: mixed.events.filter((e) => e.kind === 'vital') });
    expect(splitSignals(mixed)).toEqual([metrics, logs]); // derived ids: the same split twice
    expect(splitSignals(vitals)[0]).toBe(vitals);
    const custom = { ...batch, events: batch.events.filter((e) => e.kind === 'custom') };
    expect(splitSignals(custom)[0]).toBe(custom);
  });

  it('sends web vitals as logs to /v1/logs and other events as metrics to /v1/metrics, beside the endpoint', () => {
    const [metrics, logs] = splitSignals(mixed);
    expect(otlpRequest(logs!, '0.1.0', 'https://otel.test/v1/metrics')).toEqual({ url: 'https://otel.test/v1/logs', body: encodeOtlpLogs(logs!, '0.1.0') });
    expect(otlpRequest(metrics!, '0.1.0', 'https://otel.test/v1/metrics')).toEqual({ url: 'https://otel.test/v1/metrics', body: encodeOtlp(metrics!, '0.1.0') });
    expect(otlpRequest(logs!, '0.1.0')).toEqual({ body: encodeOtlpLogs(logs!, '0.1.0') }); // no endpoint: the transport's
    // A batch of both (stored by an earlier version) goes whole as metrics, as it did then.
    expect(otlpRequest(mixed, '0.1.0', 'https://otel.test/v1/metrics')).toEqual({ url: 'https://otel.test/v1/metrics', body: encodeOtlp(mixed, '0.1.0') });
  });

  it('derives each signal\'s URL from the endpoint: a signal\'s URL gives its sibling, any other path is a base', () => {
    const both = (endpoint: string) => [otlpUrl(endpoint, 'metrics'), otlpUrl(endpoint, 'logs')];
    expect(both('https://otel.test/v1/metrics')).toEqual(['https://otel.test/v1/metrics', 'https://otel.test/v1/logs']);
    expect(both('https://otel.test/v1/logs')).toEqual(['https://otel.test/v1/metrics', 'https://otel.test/v1/logs']);
    expect(both('https://otel.test:4318')).toEqual(['https://otel.test:4318/v1/metrics', 'https://otel.test:4318/v1/logs']);
    expect(both('https://vendor.test/otlp/?key=k')).toEqual(['https://vendor.test/otlp/v1/metrics?key=k', 'https://vendor.test/otlp/v1/logs?key=k']);
    expect(otlpPath('/v1/metrics/', 'logs')).toBe('/v1/logs');
    expect(otlpPath('/my/v1/metricsx', 'logs')).toBe('/my/v1/metricsx/v1/logs');
  });
});
