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
  /**
   * Most characters in the whole batch: the lengths of all its strings (ids,
   * page, kinds, names, units, ratings, event ids, attribute keys and string
   * values), each counted every time it appears — about what its JSON spells
   * out. Every field within its own limit can still add up to megabytes (one
   * 2,048-character value named by 64 attributes of 220 events is 30 MB of
   * JSON from a 1 KB binary body); over this the answer is `413`.
   * `createCollector` defaults it to 8 × its `maxBytes` (524,288 for 64 KiB).
   */
  maxChars: number;
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
  maxChars: 8 * 65_536,
});

/** `String.prototype.isWellFormed` / `toWellFormed` (ES2024, in Node ≥ 20), typed here since the lib is ES2022. */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** Whether `s` holds U+0000 or a lone surrogate: refused in ids, replaced in text. */
function hasBadChar(s: string): boolean {
  return s.includes('\0') || !(s as unknown as WellFormed).isWellFormed();
}

/**
 * Free text (page, kind, name, unit, attribute values) with U+0000 and lone
 * surrogates replaced by U+FFFD: neither means anything in a URL or a label,
 * both break C strings, databases (PostgreSQL refuses U+0000 in text) and
 * UTF-8 encoders downstream, and a replacement loses less than a 400.
 */
function cleanText(s: string): string {
  if (!hasBadChar(s)) return s;
  return (s.replaceAll('\0', '\ufffd') as unknown as WellFormed).toWellFormed();
}

const RATINGS: ReadonlySet<string> = new Set<Rating>(['good', 'needs-improvement', 'poor']);

/**
 * Where a field is: the event's index (−1 for the batch's own fields), the
 * field, and for attributes the key. Paths such as `events[3].attrs.url` are
 * spelled out only when a field is refused: building one per field of every
 * valid batch was a good part of what validation cost.
 */
function pathOf(event: number, field: string, key?: string): string {
  const base = event < 0 ? field : `events[${event}]${field === '' ? '' : `.${field}`}`;
  if (key === undefined) return base;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

function reject(path: string, value: unknown, allowed: string): never {
  throw new CollectorError(400, `${path} must be ${allowed}; received ${describe(value)}`, { path });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Characters counted so far against `WireLimits.maxChars`, and what the decoder vouched for. */
interface Tally {
  chars: number;
  readonly max: number;
  /**
   * Every string is known free of U+0000 and lone surrogates (see
   * `CLEAN_OUTPUT`), so their checks are skipped: they were half of what
   * validating a binary batch cost.
   */
  readonly clean: boolean;
}

function count(tally: Tally, n: number, event: number, field: string, key?: string): void {
  tally.chars += n;
  if (tally.chars > tally.max) {
    const path = pathOf(event, field, key);
    throw new CollectorError(413, `batch holds more than ${tally.max} characters of strings (reached at ${path}); send smaller batches`, { path });
  }
}

function boundedString(event: number, field: string, value: unknown, max: number, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0) || value.length > max) {
    reject(pathOf(event, field), value, `a ${allowEmpty ? '' : 'non-empty '}string of at most ${max} characters`);
  }
  return value;
}

/** An id (batch, session, event): refused with U+0000 or a lone surrogate, since ids are keys (dedupe, joins). */
function boundedId(event: number, field: string, value: unknown, max: number, tally: Tally): string {
  const s = boundedString(event, field, value, max);
  if (!tally.clean && hasBadChar(s)) reject(pathOf(event, field), s, 'an id without U+0000 or lone surrogates');
  count(tally, s.length, event, field);
  return s;
}

/** A bounded free-text field, counted and cleaned (see {@link cleanText}). */
function text(event: number, field: string, value: unknown, max: number, tally: Tally, allowEmpty = false): string {
  const s = boundedString(event, field, value, max, allowEmpty);
  count(tally, s.length, event, field);
  return tally.clean ? s : cleanText(s);
}

function finite(event: number, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) reject(pathOf(event, field), value, 'a finite number');
  return value;
}

// Other-language encoders often write `null` for "not set"; treating it as
// absent costs nothing and spares them a 400 for a field they did not use.
function absent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/**
 * Checks an event's attributes. `owned`: the object is ours alone, fresh from
 * one of the built-in decoders (plain, own data properties only), so it is
 * checked in place instead of copied — the copy was half of what validating a
 * binary batch cost.
 */
function validateAttrs(event: number, value: unknown, limits: WireLimits, tally: Tally, owned: boolean): Attrs {
  if (!isRecord(value)) reject(pathOf(event, 'attrs'), value, 'a flat object of string, number or boolean values');
  const keys = Object.keys(value);
  if (keys.length > limits.maxAttrs) {
    const path = pathOf(event, 'attrs');
    throw new CollectorError(400, `${path} must have at most ${limits.maxAttrs} keys; received ${keys.length}`, { path });
  }
  const out: Attrs = owned ? (value as Attrs) : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key.length === 0 || key.length > limits.maxAttrKeyLength) {
      const at = pathOf(event, 'attrs', key);
      throw new CollectorError(400, `${at} has a key that is empty or longer than ${limits.maxAttrKeyLength} characters`, { path: at });
    }
    if (!tally.clean && hasBadChar(key)) {
      const at = pathOf(event, 'attrs', key);
      throw new CollectorError(400, `${at} has a key with U+0000 or a lone surrogate`, { path: at });
    }
    const v = value[key];
    let clean: AttrValue;
    if (typeof v === 'string') {
      if (v.length > limits.maxAttrStringLength) reject(pathOf(event, 'attrs', key), v, `at most ${limits.maxAttrStringLength} characters`);
      count(tally, key.length + v.length, event, 'attrs', key);
      clean = tally.clean ? v : cleanText(v);
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) reject(pathOf(event, 'attrs', key), v, 'a finite number');
      count(tally, key.length, event, 'attrs', key);
      clean = v;
    } else if (typeof v === 'boolean') {
      count(tally, key.length, event, 'attrs', key);
      clean = v;
    } else {
      reject(pathOf(event, 'attrs', key), v, 'a string, a finite number or a boolean');
    }
    // An assignment to "__proto__" would swap the prototype of the object we
    // hand to onBatch: define it as data instead. (Object.fromEntries, used
    // before, does that for every key, at five times the cost of assignments.)
    if (owned && clean === v) continue;
    if (key === '__proto__' || owned) Object.defineProperty(out, key, { value: clean, enumerable: true, writable: true, configurable: true });
    else out[key] = clean;
  }
  return out;
}

function validateEvent(i: number, value: unknown, limits: WireLimits, tally: Tally, owned: boolean): PerfEvent {
  if (!isRecord(value)) reject(pathOf(i, ''), value, 'an object');
  const event: PerfEvent = {
    kind: text(i, 'kind', value.kind, limits.maxKindLength, tally),
    name: text(i, 'name', value.name, limits.maxNameLength, tally),
    value: finite(i, 'value', value.value),
    ts: finite(i, 'ts', value.ts),
  };
  if (!absent(value.unit)) event.unit = text(i, 'unit', value.unit, limits.maxUnitLength, tally, true);
  if (!absent(value.rating)) {
    if (typeof value.rating !== 'string' || !RATINGS.has(value.rating)) {
      reject(pathOf(i, 'rating'), value.rating, 'one of "good", "needs-improvement", "poor"');
    }
    event.rating = value.rating as Rating;
    count(tally, value.rating.length, i, 'rating');
  }
  if (!absent(value.id)) event.id = boundedId(i, 'id', value.id, limits.maxEventIdLength, tally);
  if (!absent(value.attrs)) event.attrs = validateAttrs(i, value.attrs, limits, tally, owned);
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
 * Ids (`batchId`, `sessionId`, event `id`) and attribute keys holding U+0000
 * or a lone surrogate are refused; in every other string (page, kind, name,
 * unit, attribute values) those are replaced by U+FFFD.
 *
 * @throws CollectorError with status 400 whose reason names the path, e.g.
 *   `events[3].value must be a finite number; received "abc"`; 413 when the
 *   batch's strings add up to more than `limits.maxChars`.
 */
export function validateBatch(value: unknown, limits: Partial<WireLimits> = {}): Batch {
  return checkBatch(value, { ...DEFAULT_LIMITS, ...limits }, false);
}

/**
 * {@link validateBatch} with resolved limits; `owned` when `value` came fresh
 * from a built-in decoder (`JSON.parse`, the binary decoder), so its attribute
 * objects may be checked in place rather than copied; `clean` when its decoder
 * vouches that no string holds U+0000 or a lone surrogate. Internal.
 */
export function checkBatch(value: unknown, lim: WireLimits, owned: boolean, clean = false): Batch {
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
  const tally: Tally = { chars: 0, max: lim.maxChars, clean };
  const batchId = boundedId(-1, 'batchId', value.batchId, lim.maxIdLength, tally);
  const sessionId = boundedId(-1, 'sessionId', value.sessionId, lim.maxIdLength, tally);
  const page = text(-1, 'page', value.page, lim.maxPageLength, tally, true);
  const sentAt = finite(-1, 'sentAt', value.sentAt);
  const raw = value.events;
  if (!Array.isArray(raw)) reject('events', raw, 'an array');
  if (raw.length > lim.maxEvents) {
    throw new CollectorError(400, `events must hold at most ${lim.maxEvents} events; received ${raw.length}`, { path: 'events' });
  }
  const events: PerfEvent[] = new Array<PerfEvent>(raw.length);
  for (let i = 0; i < raw.length; i++) events[i] = validateEvent(i, raw[i], lim, tally, owned);
  return { v, batchId, sessionId, page, sentAt, events };
}
