import type { AttrValue, Batch, PerfEvent } from '../../core/types';

/** Media type of OTLP/HTTP JSON. */
export const OTLP_TYPE = 'application/json';

/** An OTLP AnyValue, as the OTLP JSON encoding writes it. */
type AnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number };
interface KeyValue {
  key: string;
  value: AnyValue;
}

/** OTLP JSON encoding: 64-bit integers travel as decimal strings. */
function anyValue(v: AttrValue): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

const kv = (key: string, v: AttrValue): KeyValue => ({ key, value: anyValue(v) });

/**
 * Epoch milliseconds → decimal nanoseconds. A double near 1.7e12 ms resolves about 0.24 µs, so the
 * digits below the microsecond would be float noise: they are written as zeros.
 */
export function unixNano(ms: number): string {
  let whole = Math.floor(ms);
  let us = Math.round((ms - whole) * 1e3);
  if (us >= 1e3) (whole += 1), (us -= 1e3);
  return `${whole}${String(us).padStart(3, '0')}000`;
}

function pointAttributes(e: PerfEvent): KeyValue[] {
  const out = [kv('pagepace.kind', e.kind)];
  if (e.rating) out.push(kv('pagepace.rating', e.rating));
  if (e.id) out.push(kv('pagepace.id', e.id));
  for (const k in e.attrs) out.push(kv(k, e.attrs[k]!));
  return out;
}

/**
 * Encodes a batch as an OTLP/HTTP JSON `ExportMetricsServiceRequest` (POST it to `/v1/metrics`).
 *
 * Mapping (docs: README, "OpenTelemetry"): one resource with `service.name` = `pagepace`,
 * `session.id`, `url.full` (the page) and `pagepace.batch_id`; one scope `pagepace`; one gauge
 * metric per event name, `pagepace.<name>`, unit `ms` or `1`; one data point per event with
 * `timeUnixNano` = the event's `ts`, `asDouble` = its value, and as attributes `pagepace.kind`,
 * `pagepace.rating`, `pagepace.id` and the event's own attrs.
 */
export function encodeOtlp(batch: Batch, version: string): string {
  const metrics = new Map<string, { name: string; description: string; unit: string; gauge: { dataPoints: object[] } }>();
  for (const e of batch.events) {
    let m = metrics.get(e.name);
    if (!m) metrics.set(e.name, (m = { name: `pagepace.${e.name}`, description: '', unit: e.unit ?? '1', gauge: { dataPoints: [] } }));
    const t = unixNano(e.ts);
    m.gauge.dataPoints.push({ attributes: pointAttributes(e), startTimeUnixNano: t, timeUnixNano: t, asDouble: e.value });
  }
  return JSON.stringify({
    resourceMetrics: [{
      resource: {
        attributes: [kv('service.name', 'pagepace'), kv('session.id', batch.sessionId), kv('url.full', batch.page), kv('pagepace.batch_id', batch.batchId)],
        droppedAttributesCount: 0,
      },
      scopeMetrics: [{ scope: { name: 'pagepace', version }, metrics: [...metrics.values()] }],
    }],
  });
}
