import { isWebVital } from '../../core/types';
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
  if (us >= 1e3) {
    whole += 1;
    us -= 1e3;
  }
  return `${whole}${String(us).padStart(3, '0')}000`;
}

/** The OTLP signals pagepace posts: `metrics` (gauges) and `logs` (web vitals as `browser.web_vital` events). */
export type OtlpSignal = 'metrics' | 'logs';

/**
 * The URL path of `signal` for an OTLP/HTTP endpoint path: a path ending in `/v1/metrics` or
 * `/v1/logs` names one signal, the other is its sibling; any other path is a base, to which
 * `/v1/<signal>` is appended (as OpenTelemetry's `OTEL_EXPORTER_OTLP_ENDPOINT` is read).
 */
export const otlpPath = (path: string, signal: OtlpSignal): string => path.replace(/(\/v1\/(metrics|logs))?\/?$/, '/v1/' + signal);

/** `endpoint` (relative to the page where there is one) with the path of `signal` ({@link otlpPath}). */
export function otlpUrl(endpoint: string, signal: OtlpSignal): string {
  const url = new URL(endpoint, globalThis.location?.href);
  url.pathname = otlpPath(url.pathname, signal);
  return url.href;
}

/** The resource every request carries: the page view the batch came from. */
const resource = (batch: Batch) => ({
  attributes: [kv('service.name', 'pagepace'), kv('session.id', batch.sessionId), kv('url.full', batch.page), kv('pagepace.batch_id', batch.batchId)],
  droppedAttributesCount: 0,
});

function pointAttributes(e: PerfEvent): KeyValue[] {
  const out = [kv('pagepace.kind', e.kind)];
  if (e.rating) out.push(kv('pagepace.rating', e.rating));
  if (e.id) out.push(kv('pagepace.id', e.id));
  for (const [k, v] of Object.entries(e.attrs ?? {})) out.push(kv(k, v));
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
    resourceMetrics: [{ resource: resource(batch), scopeMetrics: [{ scope: { name: 'pagepace', version }, metrics: [...metrics.values()] }] }],
  });
}

/** OpenTelemetry's event name for a web vital (semantic conventions, browser events). */
export const WEB_VITAL_EVENT = 'browser.web_vital';

/** `SEVERITY_NUMBER_INFO`, as OpenTelemetry's browser instrumentation gives its web vitals. */
const INFO = 9;

/** A double whatever its value: the conventions type `value` and `delta` as double, also when whole. */
const double = (key: string, v: number): KeyValue => ({ key, value: { doubleValue: v } });

/**
 * The attributes of a web vital's log record: `browser.web_vital.name` (lower case, the
 * conventions' well-known values `lcp`, `inp`, `cls`, and likewise `fcp`, `ttfb`), `.value` and
 * `.delta` (doubles; the delta is the value when web-vitals reported none apart), `.rating`,
 * `.id`, `.navigation_type`, then the event's other attrs as they are (`route`,
 * `attribution.*`, `navigationId`, …).
 */
function vitalAttributes(e: PerfEvent): KeyValue[] {
  const { delta, navigationType, ...rest } = e.attrs ?? {};
  const out = [
    kv('browser.web_vital.name', e.name.toLowerCase()),
    double('browser.web_vital.value', e.value),
    double('browser.web_vital.delta', typeof delta == 'number' ? delta : e.value),
  ];
  if (e.rating) out.push(kv('browser.web_vital.rating', e.rating));
  if (e.id) out.push(kv('browser.web_vital.id', e.id));
  if (navigationType !== undefined) out.push(kv('browser.web_vital.navigation_type', String(navigationType)));
  for (const [k, v] of Object.entries(rest)) out.push(kv(k, v));
  return out;
}

/**
 * Encodes a batch of web vitals as an OTLP/HTTP JSON `ExportLogsServiceRequest` (POST it to
 * `/v1/logs`): the resource and scope of {@link encodeOtlp}, and one log record per event, an
 * event named `browser.web_vital` (`eventName`, OTLP 1.5+) at severity INFO, with
 * `timeUnixNano` = `observedTimeUnixNano` = the event's `ts`, no body, and the attributes of
 * OpenTelemetry's semantic conventions (README, "OpenTelemetry").
 */
export function encodeOtlpLogs(batch: Batch, version: string): string {
  const logRecords = batch.events.map((e) => {
    const t = unixNano(e.ts);
    return { timeUnixNano: t, observedTimeUnixNano: t, severityNumber: INFO, eventName: WEB_VITAL_EVENT, attributes: vitalAttributes(e), droppedAttributesCount: 0 };
  });
  return JSON.stringify({
    resourceLogs: [{ resource: resource(batch), scopeLogs: [{ scope: { name: 'pagepace', version }, logRecords }] }],
  });
}

/** The signal a batch goes as: `logs` when its events are all web vitals, else `metrics`. */
export const otlpSignal = (batch: Batch): OtlpSignal => (batch.events.every(isWebVital) ? 'logs' : 'metrics');

/** One OTLP/HTTP JSON request: its body and where it goes (without an endpoint: to the transport's as given). */
export interface OtlpRequest {
  url?: string;
  body: string;
}

/**
 * A batch as the one request of its signal ({@link otlpSignal}): its web vitals as logs
 * ({@link encodeOtlpLogs}) to `/v1/logs`, or its events as metrics ({@link encodeOtlp}) to
 * `/v1/metrics` beside `endpoint` ({@link otlpUrl}). The sender splits batches by signal
 * (`splitSignals`) first; a batch of both kinds (only one stored by an earlier version) goes
 * whole as metrics, as it did then.
 */
export function otlpRequest(batch: Batch, version: string, endpoint?: string): OtlpRequest {
  const signal = otlpSignal(batch);
  const body = (signal == 'logs' ? encodeOtlpLogs : encodeOtlp)(batch, version);
  return endpoint === undefined ? { body } : { url: otlpUrl(endpoint, signal), body };
}
