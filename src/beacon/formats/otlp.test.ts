import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { Batch, PerfEvent } from '../../core/types';
import { at, decodeOtlpJson } from '../../../e2e/fixtures/backends/otlp-proto';
import { encodeOtlp, unixNano } from './otlp';

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

  it('turns epoch milliseconds into exact nanoseconds', () => {
    expect(unixNano(1_700_000_000_123.4)).toBe('1700000000123400000');
    expect(unixNano(1_700_000_000_000)).toBe('1700000000000000000');
    expect(unixNano(0.9999999)).toBe('1000000');
    expect(unixNano(1.25)).toBe('1250000');
  });
});
