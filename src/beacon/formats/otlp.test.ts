import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { Batch, PerfEvent } from '../../core/types';
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
  const hr = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
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
 * The two known differences, normalised: OpenTelemetry JS writes intValue as a JSON number (the
 * OTLP JSON rules say string; receivers accept both), and converts times through floating point.
 */
function normalise(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json), (k, v) => {
    if (k === 'intValue') return Number(v);
    if (k === 'timeUnixNano' || k === 'startTimeUnixNano') return Math.round(Number(v) / 1e3); // to the µs
    return v;
  });
}

describe('OTLP/HTTP JSON', () => {
  it('equals what OpenTelemetry\'s own JsonMetricsSerializer produces for the same metrics', () => {
    const ours = JSON.parse(encodeOtlp(batch, '0.1.0'));
    const theirs = JSON.parse(new TextDecoder().decode(JsonMetricsSerializer.serializeRequest(asSdkMetrics(batch))));
    expect(normalise(ours)).toEqual(normalise(theirs));
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
