/** A value allowed in `PerfEvent.attrs`: flat and JSON-safe. */
export type AttrValue = string | number | boolean;

/** Flat attributes carried by an event. */
export type Attrs = Record<string, AttrValue>;

/** Google's rating bands for a web vital. */
export type Rating = 'good' | 'needs-improvement' | 'poor';

/**
 * The one event shape that flows through pagepace: sources produce it,
 * filters may edit it, the batcher and every wire format carry it.
 *
 * `kind` is open-ended (`vital`, `mark`, `measure`, `custom`, … and any
 * future kind); every codec must carry kinds it does not know.
 */
export interface PerfEvent {
  /** What produced the event: `vital`, `mark`, `measure`, `custom`, or any other kind. */
  kind: string;
  /** Metric name, e.g. `LCP` for a web vital, or the user's mark name. */
  name: string;
  /** The measured value (ms for timings, unitless for CLS). */
  value: number;
  /** Unit of `value`, e.g. `ms`; absent when unitless. */
  unit?: string;
  /** Google's rating, for web vitals. */
  rating?: Rating;
  /** When the event was recorded, epoch milliseconds. */
  ts: number;
  /** A stable id, e.g. web-vitals' `Metric.id`, so updates of one metric can be joined. */
  id?: string;
  /** Flat extra data, e.g. attribution. */
  attrs?: Attrs;
}

/** One request body on the wire, in any format, decodes to this. */
export interface Batch {
  /** Protocol version (integer). */
  v: number;
  /** Unique per batch; retries of the same batch reuse it so the collector can drop duplicates. */
  batchId: string;
  /** Unique per browser session (tab), kept across page loads of the session. */
  sessionId: string;
  /** The page URL, after privacy stripping. */
  page: string;
  /** When the batch was sent, epoch milliseconds. */
  sentAt: number;
  /** The events, in recording order. */
  events: PerfEvent[];
}

/** The wire protocol version this build speaks. */
export const PROTOCOL_VERSION = 1;

/**
 * Whether an event is a web vital (LCP, INP, CLS, FCP, TTFB): the events of kind `vital`, which
 * only pagepace's web-vitals source records. With `format: 'otlp'` they go as `browser.web_vital`
 * log records to `/v1/logs`, every other event as a gauge to `/v1/metrics`.
 */
export const isWebVital = (e: PerfEvent): boolean => e.kind == 'vital';
