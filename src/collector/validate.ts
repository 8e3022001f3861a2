import { describe } from '../core/errors';
import { PROTOCOL_VERSION } from '../core/types';
import type { AttrValue, Attrs, Batch, PerfEvent, Rating } from '../core/types';
import { CollectorError } from './errors';

/**
 * Upper bounds on what one batch may carry. `maxBytes` already caps the body,
 * but a body can be small and still hold a field that would bloat a database
 * row or a dashboard label; these keep every stored value predictable.
 */
export interface WireLimits {
  /** Longest `batchId` / `sessionId`. */
  maxIdLength: number;
  /** Longest `page` URL. */
  maxPageLength: number;
  /** Most events in one batch. */
  maxEvents: number;
  /** Longest event `kind`. */
  maxKindLength: number;
  /** Longest event `name`. */
  maxNameLength: number;
  /** Longest event `unit`. */
  maxUnitLength: number;
  /** Longest event `id`. */
  maxEventIdLength: number;
  /** Most keys in one event's `attrs`. */
  maxAttrs: number;
  /** Longest key in `attrs`. */
  maxAttrKeyLength: number;
  /** Longest string value in `attrs` (attribution selectors and script URLs can be long). */
  maxAttrStringLength: number;
}

/**
 * The limits `validateBatch` and `createCollector` use unless told otherwise.
 * `maxEvents` matches the largest `batch.maxEvents` the browser side accepts.
 */
export const DEFAULT_LIMITS: Readonly<WireLimits> = Object.freeze({
  maxIdLength: 128,
  maxPageLength: 8192,
  maxEvents: 1000,
  maxKindLength: 64,
  maxNameLength: 256,
  maxUnitLength: 32,
  maxEventIdLength: 256,
  maxAttrs: 64,
  maxAttrKeyLength: 128,
  maxAttrStringLength: 2048,
});

const RATINGS: ReadonlySet<string> = new Set<Rating>(['good', 'needs-improvement', 'poor']);

function reject(path: string, value: unknown, allowed: string): never {
  throw new CollectorError(400, `${path} must be ${allowed}; received ${describe(value)}`, { path });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function boundedString(path: string, value: unknown, max: number, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0) || value.length > max) {
    reject(path, value, `a ${allowEmpty ? '' : 'non-empty '}string of at most ${max} characters`);
  }
  return value;
}

function finite(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) reject(path, value, 'a finite number');
  return value;
}

// Other-language encoders often write `null` for "not set"; treating it as
// absent costs nothing and spares them a 400 for a field they did not use.
function absent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

function keyPath(base: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

function validateAttrs(path: string, value: unknown, limits: WireLimits): Attrs {
  if (!isRecord(value)) reject(path, value, 'a flat object of string, number or boolean values');
  const keys = Object.keys(value);
  if (keys.length > limits.maxAttrs) {
    throw new CollectorError(400, `${path} must have at most ${limits.maxAttrs} keys; received ${keys.length}`, { path });
  }
  const entries: [string, AttrValue][] = [];
  for (const key of keys) {
    const at = keyPath(path, key);
    if (key.length === 0 || key.length > limits.maxAttrKeyLength) {
      throw new CollectorError(400, `${at} has a key that is empty or longer than ${limits.maxAttrKeyLength} characters`, { path: at });
    }
    const v = value[key];
    if (typeof v === 'string') {
      if (v.length > limits.maxAttrStringLength) reject(at, v, `at most ${limits.maxAttrStringLength} characters`);
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) reject(at, v, 'a finite number');
    } else if (typeof v !== 'boolean') {
      reject(at, v, 'a string, a finite number or a boolean');
    }
    entries.push([key, v]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays
  // data instead of swapping the prototype of the object we hand to onBatch.
  return Object.fromEntries(entries);
}

function validateEvent(path: string, value: unknown, limits: WireLimits): PerfEvent {
  if (!isRecord(value)) reject(path, value, 'an object');
  const event: PerfEvent = {
    kind: boundedString(`${path}.kind`, value.kind, limits.maxKindLength),
    name: boundedString(`${path}.name`, value.name, limits.maxNameLength),
    value: finite(`${path}.value`, value.value),
    ts: finite(`${path}.ts`, value.ts),
  };
  if (!absent(value.unit)) event.unit = boundedString(`${path}.unit`, value.unit, limits.maxUnitLength, true);
  if (!absent(value.rating)) {
    if (typeof value.rating !== 'string' || !RATINGS.has(value.rating)) {
      reject(`${path}.rating`, value.rating, 'one of "good", "needs-improvement", "poor"');
    }
    event.rating = value.rating as Rating;
  }
  if (!absent(value.id)) event.id = boundedString(`${path}.id`, value.id, limits.maxEventIdLength);
  if (!absent(value.attrs)) event.attrs = validateAttrs(`${path}.attrs`, value.attrs, limits);
  return event;
}

/**
 * Checks that a decoded body has the wire shape `{ v, batchId, sessionId,
 * page, sentAt, events }` and returns a clean copy holding only the known
 * fields. Unknown fields are ignored, not rejected, so that a newer browser
 * SDK adding a field does not lose its data at an older collector.
 *
 * @param value - whatever a decoder produced (e.g. `JSON.parse` output).
 * @param limits - bounds to apply; defaults to {@link DEFAULT_LIMITS}.
 * @throws CollectorError with status 400 whose reason names the path, e.g.
 *   `events[3].value must be a finite number; received "abc"`.
 */
export function validateBatch(value: unknown, limits: Partial<WireLimits> = {}): Batch {
  const lim: WireLimits = { ...DEFAULT_LIMITS, ...limits };
  if (!isRecord(value)) reject('batch', value, 'an object');
  const v = value.v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) reject('v', v, 'a positive integer (the protocol version)');
  if (v > PROTOCOL_VERSION) {
    throw new CollectorError(
      400,
      `v is ${v}, a newer protocol than this collector reads (up to ${PROTOCOL_VERSION}); upgrade pagepace on the server`,
      { path: 'v' },
    );
  }
  const batchId = boundedString('batchId', value.batchId, lim.maxIdLength);
  const sessionId = boundedString('sessionId', value.sessionId, lim.maxIdLength);
  const page = boundedString('page', value.page, lim.maxPageLength, true);
  const sentAt = finite('sentAt', value.sentAt);
  const raw = value.events;
  if (!Array.isArray(raw)) reject('events', raw, 'an array');
  if (raw.length > lim.maxEvents) {
    throw new CollectorError(400, `events must hold at most ${lim.maxEvents} events; received ${raw.length}`, { path: 'events' });
  }
  const events = raw.map((event: unknown, i) => validateEvent(`events[${i}]`, event, lim));
  return { v, batchId, sessionId, page, sentAt, events };
}
