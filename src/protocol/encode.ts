import { fail } from '../core/errors';
import type { AttrValue, Batch, PerfEvent } from '../core/types';
import { PROTOCOL_VERSION } from '../core/types';
import {
  EF_ATTRS, EF_ID, EF_RATING_SHIFT, EF_TS_GENERIC, EF_VALUE_GENERIC, FLAG_TS_MS, HEADER_BYTES, MAGIC0, MAGIC1,
  RATING_CODE, S_HEAD, S_META, S_NAME, S_SHAPE, S_TS, S_VALUE, S_XKEY, S_XVAL, STRING_CHARS_BASE,
  STRING_CHARS_PER_BYTE, T_FALSE, T_STRING, T_TRUE, UNIT_CODE, UNIT_MS,
} from './constants';
import { isIntFit, isTimeFit, tenths, writeNumber } from './numbers';
import { C_INT, C_STR, C_TIME, C_VNUM, MAX_GROUP_ITEMS, predict, SCHEMAS, STREAM_COUNT } from './schemas';
import type { Field, Group, Schema } from './schemas';
import { StringTableWriter } from './strings';
import { Writer } from './writer';

const RATING_MODES: Record<string, number> = { good: 1, 'needs-improvement': 2, poor: 3 };

/** Scratch state reused across the events of one batch, so the hot loop allocates little. */
interface Scratch {
  /** Per schema kind: candidate values by field index (undefined = not in a slot). */
  vals: Map<Schema, (AttrValue | undefined)[]>;
  slots: Map<Schema, Float64Array>;
  extras: string[];
}

/**
 * Stream writers kept across batches: allocating ~50 small typed arrays per
 * batch cost more than encoding a dozen events. Guarded against re-entry
 * (an attrs getter could call the encoder) by falling back to fresh writers.
 */
const pool: (Writer | undefined)[] = new Array<Writer | undefined>(STREAM_COUNT);
let poolBusy = false;
/** Pooled buffers above this size are dropped after use rather than kept. */
const POOL_KEEP_BYTES = 256 * 1024;

class Encoder {
  readonly strings: StringTableWriter;
  readonly streams: (Writer | undefined)[];
  private readonly scratch: Scratch = { vals: new Map(), slots: new Map(), extras: [] };
  private prevTs = 0;
  /** Per schema or group: bitmap (as a string of bytes) → shape code. */
  private readonly shapes = new Map<object, Map<string, number>>();

  constructor(
    useTemplates: boolean,
    private readonly tsScale: number,
    pooled: boolean,
  ) {
    this.strings = new StringTableWriter(useTemplates);
    if (pooled) {
      for (const w of pool) w?.reset();
      this.streams = pool;
    } else this.streams = new Array<Writer | undefined>(STREAM_COUNT);
  }

  s(id: number): Writer {
    return (this.streams[id] ??= new Writer(id === S_HEAD || id === S_SHAPE ? 256 : 64));
  }

  startTs(sentAt: number): void {
    this.prevTs = isTimeFit(sentAt) ? Math.round(sentAt * this.tsScale) + 0 : 0;
  }

  event(e: PerfEvent, i: number): void {
    if (e === null || typeof e !== 'object') fail(`events[${i}]`, e, 'a PerfEvent object');
    const { kind, name, value, unit, rating, ts, id, attrs } = e;
    if (typeof kind !== 'string') fail(`events[${i}].kind`, kind, 'a string');
    if (typeof name !== 'string') fail(`events[${i}].name`, name, 'a string');
    if (typeof value !== 'number') fail(`events[${i}].value`, value, 'a number');
    if (typeof ts !== 'number') fail(`events[${i}].ts`, ts, 'a number');
    if (unit !== undefined && typeof unit !== 'string') fail(`events[${i}].unit`, unit, 'a string or absent');
    if (rating !== undefined && typeof rating !== 'string') fail(`events[${i}].rating`, rating, 'a string or absent');
    if (id !== undefined && typeof id !== 'string') fail(`events[${i}].id`, id, 'a string or absent');
    if (attrs !== undefined && (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs))) {
      fail(`events[${i}].attrs`, attrs, 'an object or absent');
    }
    const strings = this.strings;
    const unitMode = unit === undefined ? 0 : unit === 'ms' ? UNIT_MS : UNIT_CODE;
    const ratingMode = rating === undefined ? 0 : (RATING_MODES[rating] ?? RATING_CODE);
    const valueTime = unitMode === UNIT_MS && isTimeFit(value);
    const tsTime = isTimeFit(ts);
    let flags = unitMode | (ratingMode << EF_RATING_SHIFT);
    if (id !== undefined) flags |= EF_ID;
    if (attrs !== undefined) flags |= EF_ATTRS;
    if (!valueTime) flags |= EF_VALUE_GENERIC;
    if (!tsTime) flags |= EF_TS_GENERIC;

    const head = this.s(S_HEAD);
    head.varint(strings.code(kind));
    head.varint(flags);
    this.s(S_NAME).varint(strings.code(name));
    if (unitMode === UNIT_CODE || ratingMode === RATING_CODE || id !== undefined) {
      const meta = this.s(S_META);
      if (unitMode === UNIT_CODE) meta.varint(strings.code(unit!));
      if (ratingMode === RATING_CODE) meta.varint(strings.code(rating!));
      if (id !== undefined) meta.varint(strings.code(id));
    }
    const tsw = this.s(S_TS);
    if (tsTime) {
      const q = Math.round(ts * this.tsScale) + 0;
      tsw.zigzag(q - this.prevTs);
      this.prevTs = q;
    } else writeNumber(tsw, ts);

    const valueQ = valueTime ? tenths(value) : NaN;
    const schema = SCHEMAS.get(kind);
    if (schema === undefined) {
      if (valueTime) this.s(S_VALUE).zigzag(valueQ);
      else writeNumber(this.s(S_VALUE), value);
      if (attrs !== undefined) this.genericAttrs(attrs, Object.keys(attrs), i);
      return;
    }
    this.schemaEvent(schema, attrs, value, valueQ, valueTime, unitMode === UNIT_MS, i);
  }

  private schemaEvent(
    schema: Schema, attrs: Record<string, AttrValue> | undefined, value: number, valueQ: number,
    valueTime: boolean, ms: boolean, i: number,
  ): void {
    const fields = schema.fields;
    const nf = fields.length;
    let vals = this.scratch.vals.get(schema);
    if (!vals) this.scratch.vals.set(schema, (vals = new Array<AttrValue | undefined>(nf)));
    let slots = this.scratch.slots.get(schema);
    if (!slots) this.scratch.slots.set(schema, (slots = new Float64Array(nf)));
    for (let f = 0; f < nf; f++) {
      vals[f] = undefined;
      slots[f] = NaN;
    }
    const extras = this.scratch.extras;
    extras.length = 0;
    let items: (AttrValue | undefined)[][] | undefined;
    let group: Group | undefined;

    if (attrs !== undefined) {
      // Object.keys, not for-in: attrs objects come in many shapes and for-in
      // falls off V8's enumeration cache, which made this loop the hot spot.
      const keys = Object.keys(attrs);
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k]!;
        const v = attrs[key];
        if (v === undefined) continue;
        const f = schema.byKey.get(key);
        if (f !== undefined && fits(fields[f]!.codec, v, ms)) {
          vals[f] = v;
          continue;
        }
        if (f === undefined && schema.groups.length > 0) {
          const hit = groupKey(schema.groups, key);
          if (hit !== undefined) {
            const g = hit[0];
            const j = hit[1];
            const gi = hit[2];
            if (fits(g.fields[gi]!.codec, v, ms)) {
              group = g;
              items ??= [];
              while (items.length <= j) items.push(new Array<AttrValue | undefined>(g.fields.length));
              items[j]![gi] = v;
              continue;
            }
          }
        }
        extras.push(key);
      }
      const shape = this.s(S_SHAPE);
      this.bitmap(shape, schema, schema.bitmapBytes, vals);
      for (const g of schema.groups) {
        const list = g === group ? items! : [];
        shape.varint(list.length);
        for (const item of list) this.bitmap(shape, g, g.bitmapBytes, item);
      }
    }

    // Value and fields in schema order: predictions only look backwards.
    for (let f = 0; f <= nf; f++) {
      if (f === schema.valueAt) {
        if (valueTime) {
          this.s(S_VALUE).zigzag(valueQ - predict(schema.va, schema.vb, schema.vc, slots, undefined, valueQ));
        } else writeNumber(this.s(S_VALUE), value);
      }
      if (f === nf) break;
      const v = vals[f];
      if (v !== undefined) slots[f] = this.field(fields[f]!, v, slots, undefined, valueQ, ms);
    }
    if (items !== undefined && group !== undefined) {
      const gslots = new Float64Array(group.fields.length);
      for (const item of items) {
        gslots.fill(NaN);
        for (let f = 0; f < group.fields.length; f++) {
          const v = item[f];
          if (v !== undefined) gslots[f] = this.field(group.fields[f]!, v, gslots, slots, valueQ, ms);
        }
      }
    }
    if (attrs !== undefined) this.genericAttrs(attrs, extras, i);
  }

  /**
   * Writes a presence bitmap as a shape code (§7.4): the 1-based index of an
   * identical bitmap sent earlier for this schema or group, or 0 and the bitmap.
   * Events of one kind mostly share a handful of shapes, so this is ~1 byte
   * that DEFLATE then squeezes to a few bits.
   */
  private bitmap(shape: Writer, owner: object, bytes: number, present: (AttrValue | undefined)[]): void {
    let key = '';
    for (let b = 0; b < bytes; b++) {
      let bits = 0;
      const end = Math.min(present.length, (b + 1) * 8);
      for (let f = b * 8; f < end; f++) if (present[f] !== undefined) bits |= 1 << (f & 7);
      key += String.fromCharCode(bits);
    }
    let known = this.shapes.get(owner);
    if (!known) this.shapes.set(owner, (known = new Map<string, number>()));
    const code = known.get(key);
    if (code !== undefined) {
      shape.varint(code);
      return;
    }
    known.set(key, known.size + 1);
    shape.varint(0);
    for (let b = 0; b < bytes; b++) shape.u8(key.charCodeAt(b));
  }

  /** Writes one typed field; returns its slot value (NaN when it cannot be referenced). */
  private field(f: Field, v: AttrValue, slots: Float64Array, parent: Float64Array | undefined, valueQ: number, ms: boolean): number {
    const w = this.s(f.stream);
    switch (f.codec) {
      case C_STR:
        w.varint(this.strings.code(v as string));
        return NaN;
      case C_INT: {
        const n = v as number;
        w.zigzag(n - predict(f.a, f.b, f.c, slots, parent, valueQ));
        return n;
      }
      case C_VNUM:
      case C_TIME: {
        // A vnum is a time in ms events and a generic number otherwise.
        if (f.codec === C_VNUM && !ms) {
          writeNumber(w, v as number);
          return NaN;
        }
        const q = tenths(v as number);
        w.zigzag(q - predict(f.a, f.b, f.c, slots, parent, valueQ));
        return q;
      }
      default:
        writeNumber(w, v as number);
        return NaN;
    }
  }

  private genericAttrs(attrs: Record<string, AttrValue>, keys: string[], i: number): void {
    let n = 0;
    for (const k of keys) if (attrs[k] !== undefined) n++;
    this.s(S_SHAPE).varint(n);
    if (n === 0) return;
    const xk = this.s(S_XKEY);
    const xv = this.s(S_XVAL);
    for (const k of keys) {
      const v = attrs[k];
      if (v === undefined) continue;
      xk.varint(this.strings.code(k));
      if (typeof v === 'string') {
        xv.u8(T_STRING);
        xv.varint(this.strings.code(v));
      } else if (typeof v === 'number') writeNumber(xv, v);
      else if (typeof v === 'boolean') xv.u8(v ? T_TRUE : T_FALSE);
      else fail(`events[${i}].attrs.${k}`, v, 'a string, number or boolean');
    }
  }
}

function fits(codec: number, v: AttrValue, ms: boolean): boolean {
  switch (codec) {
    case C_STR:
      return typeof v === 'string';
    case C_INT:
      return isIntFit(v);
    case C_TIME:
      return isTimeFit(v);
    case C_VNUM:
      return ms ? isTimeFit(v) : typeof v === 'number';
    default:
      return typeof v === 'number';
  }
}

/** Parsed group keys: the same few (`scripts.0.invoker`, …) recur in every batch. */
const groupKeyCache = new Map<string, [Group, number, number] | null>();

/** Matches `<prefix>.<j>.<field>` with a canonical decimal j; returns [group, j, field index]. */
function groupKey(groups: readonly Group[], key: string): [Group, number, number] | undefined {
  const cached = groupKeyCache.get(key);
  if (cached !== undefined) return cached !== null && groups.includes(cached[0]) ? cached : undefined;
  const hit = parseGroupKey(groups, key);
  if (groupKeyCache.size >= 4096) groupKeyCache.clear();
  groupKeyCache.set(key, hit ?? null);
  return hit;
}

function parseGroupKey(groups: readonly Group[], key: string): [Group, number, number] | undefined {
  for (const g of groups) {
    const pl = g.prefix.length;
    if (key.length <= pl + 2 || key.charCodeAt(pl) !== 46 || !key.startsWith(g.prefix)) continue;
    let p = pl + 1;
    let j = 0;
    const start = p;
    while (p < key.length) {
      const c = key.charCodeAt(p);
      if (c < 48 || c > 57) break;
      j = j * 10 + (c - 48);
      p++;
    }
    const digits = p - start;
    if (digits === 0 || (digits > 1 && key.charCodeAt(start) === 48) || j >= MAX_GROUP_ITEMS) continue;
    if (key.charCodeAt(p) !== 46) continue;
    const f = g.byKey.get(key.slice(p + 1));
    if (f !== undefined) return [g, j, f];
  }
  return undefined;
}

function checkBatch(batch: Batch): void {
  if (batch === null || typeof batch !== 'object') fail('batch', batch, 'a Batch object');
  if (batch.v !== PROTOCOL_VERSION) fail('batch.v', batch.v, `${PROTOCOL_VERSION} (the protocol version this encoder writes)`);
  if (typeof batch.batchId !== 'string') fail('batch.batchId', batch.batchId, 'a string');
  if (typeof batch.sessionId !== 'string') fail('batch.sessionId', batch.sessionId, 'a string');
  if (typeof batch.page !== 'string') fail('batch.page', batch.page, 'a string');
  if (typeof batch.sentAt !== 'number') fail('batch.sentAt', batch.sentAt, 'a number');
  if (!Array.isArray(batch.events)) fail('batch.events', batch.events, 'an array of PerfEvent');
}

function encodeOnce(batch: Batch, useTemplates: boolean): { body: Uint8Array; chars: number; payloadBytes: number } {
  const pooled = !poolBusy;
  poolBusy = true;
  try {
    return encodeWith(batch, useTemplates, pooled);
  } finally {
    if (pooled) {
      poolBusy = false;
      for (let id = 0; id < pool.length; id++) if (pool[id] && pool[id]!.buf.length > POOL_KEEP_BYTES) pool[id] = undefined;
    }
  }
}

function encodeWith(batch: Batch, useTemplates: boolean, pooled: boolean): { body: Uint8Array; chars: number; payloadBytes: number } {
  const events = batch.events;
  // Whole-ms timestamps (the common case: Date.now()) save ~3 bits per event.
  let wholeMs = events.length > 0;
  for (const e of events) {
    const ts = e?.ts;
    if (isTimeFit(ts) && !Number.isInteger(ts)) {
      wholeMs = false;
      break;
    }
  }
  const enc = new Encoder(useTemplates, wholeMs ? 1 : 10, pooled);
  const strings = enc.strings;
  const meta = new Writer(32);
  meta.varint(strings.code(batch.batchId));
  meta.varint(strings.code(batch.sessionId));
  meta.varint(strings.code(batch.page));
  writeNumber(meta, batch.sentAt);
  meta.varint(events.length);
  enc.startTs(batch.sentAt);
  for (let i = 0; i < events.length; i++) enc.event(events[i]!, i);

  const dirBytes = (STREAM_COUNT + 7) >> 3;
  let size = HEADER_BYTES + 16 + strings.templates.pos + strings.out.pos + meta.pos + dirBytes;
  for (const s of enc.streams) if (s && s.pos > 0) size += s.pos + 3;
  const out = new Writer(size);
  out.u8(MAGIC0);
  out.u8(MAGIC1);
  out.u8(PROTOCOL_VERSION);
  out.u8(wholeMs ? FLAG_TS_MS : 0);
  out.varint(strings.templateCount);
  out.bytes(strings.templates.finish());
  out.varint(strings.count);
  out.bytes(strings.out.finish());
  out.bytes(meta.finish());
  const d0 = out.pos;
  out.ensure(dirBytes);
  for (let b = 0; b < dirBytes; b++) out.buf[d0 + b] = 0;
  out.pos = d0 + dirBytes;
  for (let id = 0; id < STREAM_COUNT; id++) {
    const s = enc.streams[id];
    if (s && s.pos > 0) {
      out.buf[d0 + (id >> 3)]! |= 1 << (id & 7);
      out.varint(s.pos);
    }
  }
  for (const s of enc.streams) if (s && s.pos > 0) out.bytes(s.finish());
  return { body: out.finish(), chars: strings.totalChars, payloadBytes: out.pos - HEADER_BYTES };
}

/**
 * Encodes a batch without compression: the body, header included. Throws
 * `PagePaceError` naming the field when the batch does not have the `Batch`
 * shape (e.g. `events[3].value` not a number).
 */
export function encodeUncompressed(batch: Batch): Uint8Array {
  checkBatch(batch);
  let r = encodeOnce(batch, true);
  // Templates may make the decoder's amplification check (§5.2) trip on
  // pathological inputs; without them strings are never longer than their bytes.
  if (r.chars > STRING_CHARS_BASE + STRING_CHARS_PER_BYTE * r.payloadBytes) r = encodeOnce(batch, false);
  return r.body;
}
