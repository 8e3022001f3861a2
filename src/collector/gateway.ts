import { encodeOtlp, encodeOtlpLogs, OTLP_TYPE, otlpPath, otlpSignal } from '../beacon/formats/otlp';
import type { OtlpSignal } from '../beacon/formats/otlp';
import { splitSignals } from '../beacon/signals';
import { fail } from '../core/errors';
import type { Batch } from '../core/types';
import { VERSION } from '../core/version';

/** Options of {@link createOtlpGateway}. */
export interface OtlpGatewayOptions {
  /**
   * The OpenTelemetry Collector's OTLP/HTTP receiver: its base URL
   * (`http://otel-collector:4318`: metrics go to `/v1/metrics` and web vitals
   * to `/v1/logs` under it) or the full URL of one signal (ending in
   * `/v1/metrics` or `/v1/logs`: the other is its sibling).
   */
  endpoint: string;
  /** Extra request headers, e.g. `{ authorization: 'Bearer …' }` for a vendor's intake. */
  headers?: Record<string, string>;
  /** Further attempts after the first on a retryable failure. Default 2. */
  retries?: number;
  /** Longest wait for one attempt, in ms. Default 5,000. */
  timeoutMs?: number;
  /** First delay between attempts, in ms, doubled each time (with jitter). Default 100. */
  backoffMs?: number;
  /** The `fetch` to use; default the global one (Node 18+). */
  fetch?: typeof fetch;
}

/**
 * An export the receiver refused or that could not be made. `retryable`
 * follows OTLP/HTTP: network failures, timeouts, 429, 502, 503 and 504 are
 * worth another try later; other statuses (a 400: the receiver cannot read
 * the body) are not.
 */
export class OtlpExportError extends Error {
  /** The receiver's HTTP status; `undefined` when no answer came. */
  readonly status: number | undefined;
  /** Whether a later attempt may succeed. */
  readonly retryable: boolean;

  constructor(message: string, status: number | undefined, retryable: boolean, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'OtlpExportError';
    this.status = status;
    this.retryable = retryable;
  }
}

const RETRYABLE = new Set([429, 502, 503, 504]);
/** A receiver's Retry-After is honoured up to this: the browser's request is waiting meanwhile. */
const MAX_RETRY_AFTER_MS = 2_000;
const OPTION_KEYS = new Set(['endpoint', 'headers', 'retries', 'timeoutMs', 'backoffMs', 'fetch']);

/** One OTLP/HTTP JSON request body and the signal whose URL (`/v1/<signal>`) it is posted to. */
export interface OtlpBody {
  signal: OtlpSignal;
  body: string;
}

/** The batches one browser batch makes, one per signal, with their bodies. */
const requests = (batch: Batch) =>
  splitSignals(batch).map((part) => {
    const signal = otlpSignal(part);
    return { key: `${part.sessionId}:${part.batchId}`, signal, body: (signal == 'logs' ? encodeOtlpLogs : encodeOtlp)(part, VERSION) };
  });

/**
 * A batch as OTLP/HTTP JSON request bodies: the mapping the browser client
 * uses for `format: 'otlp'` (README, "OpenTelemetry"), the same code, so
 * what reaches OpenTelemetry does not depend on the wire format. Its web
 * vitals are one `ExportLogsServiceRequest` (signal `logs`), its other events
 * one `ExportMetricsServiceRequest` (signal `metrics`); a batch with only one
 * of the two gives one body. A batch with both is split as the client splits
 * it: the logs part's `pagepace.batch_id` is the batch id + `-logs`.
 */
export function batchToOtlp(batch: Batch): OtlpBody[] {
  return requests(batch).map(({ signal, body }) => ({ signal, body }));
}

function signalUrls(endpoint: string): Record<OtlpSignal, string> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    fail('endpoint', endpoint, 'an absolute http(s) URL such as http://otel-collector:4318');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('endpoint', endpoint, 'an http: or https: URL');
  const at = (signal: OtlpSignal) => Object.assign(new URL(url), { pathname: otlpPath(url.pathname, signal) }).href;
  return { metrics: at('metrics'), logs: at('logs') };
}

function checkOptions(options: OtlpGatewayOptions): void {
  if (typeof options !== 'object' || options === null) fail('createOtlpGateway options', options, 'an object with an endpoint');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) fail(key, (options as unknown as Record<string, unknown>)[key], `one of the known options (${[...OPTION_KEYS].join(', ')})`);
  }
  const { retries, timeoutMs, backoffMs, headers } = options;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 10)) fail('retries', retries, 'an integer from 0 to 10');
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) fail('timeoutMs', timeoutMs, 'a positive number of milliseconds');
  if (backoffMs !== undefined && (!Number.isFinite(backoffMs) || backoffMs < 0)) fail('backoffMs', backoffMs, 'a number of milliseconds, 0 or more');
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Object.values(headers).some((v) => typeof v !== 'string'))) fail('headers', headers, 'an object of header names to string values');
  if (options.fetch === undefined && typeof fetch !== 'function') fail('fetch', options.fetch, 'a fetch function (this runtime has no global fetch)');
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

async function attempt(doFetch: typeof fetch, url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number | undefined> {
  let response: Response;
  try {
    response = await doFetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new OtlpExportError(`pagepace: OTLP export to ${url} failed: ${(error as Error)?.message ?? String(error)}`, undefined, true, error);
  }
  // The body is small (an OTLP status or partial success): read it so the connection is reused.
  const text = await response.text().catch(() => '');
  if (response.ok) return undefined;
  const retryable = RETRYABLE.has(response.status);
  const error = new OtlpExportError(`pagepace: OTLP receiver ${url} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`, response.status, retryable);
  if (!retryable) throw error;
  const wait = retryAfterMs(response.headers.get('retry-after'));
  throw Object.assign(error, { wait });
}

/** Requests acknowledged by the receiver that a gateway remembers, so a browser's retry sends only the rest. */
const MAX_REMEMBERED = 10_000;

/**
 * An `onBatch` that forwards every batch to an OpenTelemetry Collector (or
 * any OTLP/HTTP JSON receiver), retrying transient failures: its web vitals as
 * `browser.web_vital` log records to `/v1/logs`, its other events as gauges to
 * `/v1/metrics` ({@link batchToOtlp}), the two requests at once. It resolves
 * once the receiver answered 2xx to each, so the pagepace collector
 * acknowledges the browser only then; if all attempts of one fail it rejects
 * with {@link OtlpExportError} (a retryable one if either is), the collector
 * answers 500 and the browser retries later from its outbox, which is the
 * buffer (nothing is queued here). The gateway remembers the last 10,000
 * requests the receiver acknowledged, so that retry sends only the one that
 * failed (an OpenTelemetry Collector does not drop repeats).
 *
 * A batch the receiver refuses for good (`retryable: false`, e.g. 400) would
 * be retried by the browser until its outbox drops it; catch it to drop it at
 * once instead: `onBatch: (b) => otlp(b).catch((e) => { if (e.retryable) throw e; log(e); })`.
 *
 * @example
 * const otlp = createOtlpGateway({ endpoint: 'http://otel-collector:4318' });
 * const collect = createCollector({ onBatch: otlp, dedupe: createRedisDedupe(redis) });
 * @throws PagePaceError when an option is wrong.
 */
export function createOtlpGateway(options: OtlpGatewayOptions): (batch: Batch) => Promise<void> {
  checkOptions(options);
  const urls = signalUrls(options.endpoint);
  const retries = options.retries ?? 2;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const backoffMs = options.backoffMs ?? 100;
  const doFetch = options.fetch ?? fetch;
  const headers = { ...options.headers, 'content-type': OTLP_TYPE };
  const acknowledged = new Set<string>();
  const send = async (url: string, body: string) => {
    for (let n = 0; ; n++) {
      try {
        return await attempt(doFetch, url, body, headers, timeoutMs);
      } catch (error) {
        const e = error as OtlpExportError & { wait?: number };
        if (!e.retryable || n >= retries) throw e;
        // Jitter keeps many collectors from retrying a recovering receiver in step.
        const delay = e.wait ?? backoffMs * 2 ** n * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  return async (batch) => {
    const outcomes = await Promise.allSettled(requests(batch).filter((r) => !acknowledged.has(r.key)).map(async (r) => {
      await send(urls[r.signal], r.body);
      if (acknowledged.size >= MAX_REMEMBERED) acknowledged.clear();
      acknowledged.add(r.key);
    }));
    const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as OtlpExportError] : []));
    const [first] = errors;
    if (first) throw errors.find((e) => e.retryable) ?? first;
  };
}
