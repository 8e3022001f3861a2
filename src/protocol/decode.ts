import type { Attrs, AttrValue, Batch, PerfEvent, Rating } from '../core/types';
import {
  DEFAULT_MAX_BYTES, EF_ATTRS, EF_ID, EF_KNOWN, EF_RATING_SHIFT, EF_TS_GENERIC, EF_UNIT_MASK, EF_VALUE_GENERIC,
  FLAG_DEFLATE, FLAG_TS_MS, HEADER_BYTES, KNOWN_HEADER_FLAGS, MAGIC0, MAGIC1, RATING_CODE, RATINGS, S_HEAD,
  S_META, S_NAME, S_SHAPE, S_TS, S_VALUE, S_XKEY, S_XVAL, STRING_CHARS_BASE, STRING_CHARS_PER_BYTE, T_FALSE,
  T_STRING, T_TRUE, UNIT_CODE, UNIT_MS,
} from './constants';
import { CharBudget } from './budget';
import { ProtocolError } from './errors';
import { readNumber, readNumberPayload } from './numbers';
import { Reader } from './reader';
import { C_INT, C_NUM, C_STR, C_TIME, C_VNUM, predict, SCHEMAS, STREAM_COUNT } from './schemas';
import type { Field, Group, Schema } from './schemas';
import { readStringTable, readTemplates, StringCodes } from './strings';
import { PROTOCOL_VERSION } from '../core/types';

const STREAM_NAMES = ['HEAD', 'TS', 'NAME', 'VALUE', 'META', 'SHAPE', 'XKEY', 'XVAL'];

/** Options of the decoders. */
export interface DecodeOptions {
  /** Largest payload (after inflation) accepted, in bytes. Default `DEFAULT_MAX_BYTES` (1 MiB). */
  maxBytes?: number;
  /**
   * Most characters the decoded batch may hold: the lengths of its strings
   * (ids, page, kinds, names, units, ratings, event ids, attribute keys and
   * string values), each counted every time it appears, as its JSON would
   * spell it out. Default 8 × `maxBytes`. Counted while decoding, so a batch
   * over it is refused before it is built.
   */
  maxChars?: number;
}

/** What the 4-byte header says. */
export interface Header {
  version: number;
  deflated: boolean;
  tsMs: boolean;
}

/** Reads and checks the header (docs/protocol.md §3). */
export function readHeader(bytes: Uint8Array): Header {
  if (!(bytes instanceof Uint8Array)) throw new ProtocolError(0, 'input is not a Uint8Array');
  if (bytes.length < HEADER_BYTES) throw new ProtocolError(bytes.length, `a batch needs at least ${HEADER_BYTES} bytes, got ${bytes.length}`);
  if (bytes[0] !== MAGIC0 || bytes[1] !== MAGIC1) throw new ProtocolError(0, 'not a pagepace binary batch (bad magic)');
  const version = bytes[2]!;
  if (version > PROTOCOL_VERSION) {
    throw new ProtocolError(2, `protocol version ${version} is newer than this decoder (${PROTOCOL_VERSION}); upgrade pagepace/collector`);
  }
  if (version === 0) throw new ProtocolError(2, 'protocol version 0 is not supported');
  const flags = bytes[3]!;
  if (flags & ~KNOWN_HEADER_FLAGS) throw new ProtocolError(3, `unknown header flags 0x${flags.toString(16)}`);
  return { version, deflated: (flags & FLAG_DEFLATE) !== 0, tsMs: (flags & FLAG_TS_MS) !== 0 };
}

/** Resolves the `maxBytes` option. */
export function maxBytesOf(opts: DecodeOptions | undefined): number {
  const m = opts?.maxBytes;
  return typeof m === 'number' && m >= 0 ? m : DEFAULT_MAX_BYTES;
}

/** Resolves the `maxChars` option. */
export function maxCharsOf(opts: DecodeOptions | undefined): number {
  const m = opts?.maxChars;
  return typeof m === 'number' && m >= 0 ? m : 8 * maxBytesOf(opts);
}

const overBatch = (limit: number): string => `exceeds the limit of ${limit} characters`;

/** What {@link decodePayload} found besides the batch. */
export interface PayloadFacts {
  /** Some string of the batch holds U+0000 (none holds a lone surrogate: UTF-8 is decoded fatally). */
  nul: boolean;
}

/**
 * Decodes a payload (`buf[start, end)`, already inflated). `base` maps positions
 * in `buf` to offsets counted from the start of the body; `maxChars` bounds the
 * decoded batch (see {@link DecodeOptions.maxChars}); `facts`, when given, is
 * told what a consumer may skip checking.
 */
export function decodePayload(
  buf: Uint8Array, start: number, end: number, base: number, header: Header, maxChars = Infinity, facts?: PayloadFacts,
): Batch {
  const r = new Reader(buf, start, end, base);
  const payloadBytes = end - start;
  const templates = readTemplates(r, r.count('template count', 1));
  const tableSize = r.count('string table size', 1);
  // Every entry is handed out at least once, so a table longer than maxChars
  // is a batch over it: refuse it as such, while the table is being built.
  const spec = STRING_CHARS_BASE + STRING_CHARS_PER_BYTE * payloadBytes;
  const tableBudget = maxChars < spec
    ? new CharBudget(maxChars, 'decoded batch', overBatch)
    : new CharBudget(spec, 'string table', (l) => `expands past ${l} characters, the amplification limit for this payload`);
  const entries = readStringTable(r, tableSize, templates, tableBudget);
  const budget = new CharBudget(maxChars, 'decoded batch', overBatch);
  const codes = new StringCodes(entries, budget);
  const batchId = codes.read(r, 'batchId');
  const sessionId = codes.read(r, 'sessionId');
  const page = codes.read(r, 'page');
  const sentAt = readNumber(r, 'sentAt');
  const eventsAt = r.pos;
  const eventCount = r.varint('event count');

  // Stream directory: bitmap, then lengths of the present streams.
  const dirBytes = (STREAM_COUNT + 7) >> 3;
  r.need(dirBytes, 'stream directory');
  const dir = r.pos;
  r.pos += dirBytes;
  for (let id = STREAM_COUNT; id < dirBytes * 8; id++) {
    if (buf[dir + (id >> 3)]! & (1 << (id & 7))) r.fail(`stream directory names stream ${id}, beyond the ${STREAM_COUNT} of this version`, dir);
  }
  const lengths: number[] = new Array<number>(STREAM_COUNT).fill(0);
  let total = 0;
  for (let id = 0; id < STREAM_COUNT; id++) {
    if (buf[dir + (id >> 3)]! & (1 << (id & 7))) {
      const at = r.pos;
      const n = r.varint(`length of stream ${id}`);
      if (n === 0) r.fail(`stream ${id} is marked present but empty`, at);
      lengths[id] = n;
      total += n;
    }
  }
  if (total !== r.left()) {
    r.fail(total > r.left() ? `streams need ${total} bytes but only ${r.left()} are left` : `${r.left() - total} trailing bytes after the streams`);
  }
  const streams: Reader[] = new Array<Reader>(STREAM_COUNT);
  let p = r.pos;
  for (let id = 0; id < STREAM_COUNT; id++) {
    streams[id] = new Reader(buf, p, p + lengths[id]!, base);
    p += lengths[id]!;
  }
  const head = streams[S_HEAD]!;
  if (eventCount * 2 > head.left()) {
    r.fail(`event count ${eventCount} is more than the ${head.left()} HEAD bytes could hold`, eventsAt);
  }

  const d = new EventDecoder(streams, codes, budget, header.tsMs ? 1 : 10, sentAt);
  const events: PerfEvent[] = new Array<PerfEvent>(eventCount);
  for (let i = 0; i < eventCount; i++) events[i] = d.event();

  for (let id = 0; id < STREAM_COUNT; id++) {
    const s = streams[id]!;
    if (s.left() !== 0) s.fail(`${s.left()} unread bytes in stream ${STREAM_NAMES[id] ?? id}`);
  }
  if (codes.next !== entries.length) {
    r.fail(`string table has ${entries.length} entries but only ${codes.next} are used`, start);
  }
  if (facts) facts.nul = r.nul;
  return { v: header.version, batchId, sessionId, page, sentAt, events };
}

class EventDecoder {
  private prevTs: number;
  private readonly head: Reader;
  private readonly ts: Reader;
  private readonly name: Reader;
  private readonly value: Reader;
  private readonly meta: Reader;
  private readonly shape: Reader;
  private readonly xkey: Reader;
  private readonly xval: Reader;
  // One scratch array per schema and per group, reused by every event: a typed array is costly
  // to allocate, and an event's slots are dead once its attributes are read.
  private readonly slots = new Map<object, Float64Array>();
  /** Per schema or group: input positions of the bitmaps sent so far. */
  private readonly shapes = new Map<object, number[]>();

  constructor(
    private readonly streams: Reader[],
    private readonly codes: StringCodes,
    private readonly budget: CharBudget,
    private readonly tsScale: number,
    sentAt: number,
  ) {
    this.head = streams[S_HEAD]!;
    this.ts = streams[S_TS]!;
    this.name = streams[S_NAME]!;
    this.value = streams[S_VALUE]!;
    this.meta = streams[S_META]!;
    this.shape = streams[S_SHAPE]!;
    this.xkey = streams[S_XKEY]!;
    this.xval = streams[S_XVAL]!;
    const fit = typeof sentAt === 'number' && Math.abs(sentAt) <= 1e14 && (sentAt !== 0 || 1 / sentAt > 0);
    this.prevTs = fit ? Math.round(sentAt * tsScale) + 0 : 0;
  }

  event(): PerfEvent {
    const head = this.head;
    const codes = this.codes;
    const kind = codes.read(head, 'kind');
    const flagsAt = head.pos;
    const flags = head.varint('event flags');
    if (flags & ~EF_KNOWN) head.fail(`unknown event flags 0x${flags.toString(16)}`, flagsAt);
    const unitMode = flags & EF_UNIT_MASK;
    if (unitMode === 3) head.fail('unit mode 3 is reserved', flagsAt);
    const ratingMode = (flags >> EF_RATING_SHIFT) & 7;
    if (ratingMode > RATING_CODE) head.fail(`rating mode ${ratingMode} is reserved`, flagsAt);
    const valueGeneric = (flags & EF_VALUE_GENERIC) !== 0;
    if (!valueGeneric && unitMode !== UNIT_MS) head.fail('a time-coded value needs unit "ms"', flagsAt);

    const name = codes.read(this.name, 'name');
    const e: PerfEvent = { kind, name, value: 0, ts: 0 };
    if (unitMode === UNIT_MS) e.unit = 'ms';
    else if (unitMode === UNIT_CODE) e.unit = codes.read(this.meta, 'unit');
    if (ratingMode === RATING_CODE) e.rating = codes.read(this.meta, 'rating') as Rating;
    else if (ratingMode !== 0) e.rating = RATINGS[ratingMode - 1];
    if (flags & EF_ID) e.id = codes.read(this.meta, 'id');

    if (flags & EF_TS_GENERIC) e.ts = readNumber(this.ts, 'ts');
    else {
      const q = this.prevTs + this.ts.zigzag('ts');
      this.prevTs = q;
      e.ts = q / this.tsScale;
    }

    const schema = SCHEMAS.get(kind);
    const attrs: Attrs | undefined = flags & EF_ATTRS ? {} : undefined;
    if (schema === undefined) {
      e.value = valueGeneric ? readNumber(this.value, 'value') : this.value.zigzag('value') / 10;
    } else {
      e.value = this.schemaEvent(schema, attrs, valueGeneric, unitMode === UNIT_MS);
    }
    if (attrs !== undefined) {
      this.genericAttrs(attrs);
      e.attrs = attrs;
    }
    return e;
  }

  /** Reads the schema part of an event into `attrs`; returns the value. */
  private schemaEvent(schema: Schema, attrs: Attrs | undefined, valueGeneric: boolean, ms: boolean): number {
    const fields = schema.fields;
    const nf = fields.length;
    let slots = this.slots.get(schema);
    if (!slots) this.slots.set(schema, (slots = new Float64Array(nf)));
    slots.fill(NaN);
    const shape = this.shape;
    let bitmapAt = 0;
    if (attrs !== undefined) bitmapAt = this.bitmap(schema, nf, 'attribute bitmap');
    let value = NaN;
    let valueQ = NaN;
    for (let f = 0; f <= nf; f++) {
      if (f === schema.valueAt) {
        if (valueGeneric) value = readNumber(this.value, 'value');
        else {
          valueQ = this.value.zigzag('value') + predict(schema.va, schema.vb, schema.vc, slots, undefined, valueQ);
          value = valueQ / 10;
        }
      }
      if (f === nf) break;
      if (attrs === undefined) continue;
      const buf = shape.buf;
      if (buf[bitmapAt + (f >> 3)]! & (1 << (f & 7))) {
        const field = fields[f]!;
        this.budget.charge(shape, field.key.length, bitmapAt);
        attrs[field.key] = this.field(field, slots, f, undefined, valueQ, ms);
      }
    }
    if (attrs !== undefined) {
      for (const g of schema.groups) {
        const ng = g.fields.length;
        const m = shape.count(`${g.prefix} item count`, 1);
        let gslots = this.slots.get(g);
        if (!gslots) this.slots.set(g, (gslots = new Float64Array(ng)));
        for (let j = 0; j < m; j++) {
          const at = this.bitmap(g, ng, `${g.prefix} item bitmap`);
          gslots.fill(NaN);
          for (let f = 0; f < ng; f++) {
            if (shape.buf[at + (f >> 3)]! & (1 << (f & 7))) {
              const field = g.fields[f]!;
              const key = groupKey(g, j, f);
              this.budget.charge(shape, key.length, at);
              attrs[key] = this.field(field, gslots, f, slots, valueQ, ms);
            }
          }
        }
      }
    }
    return value;
  }

  /**
   * Reads a shape code (§7.4) and returns where its bitmap is in the input:
   * 0 introduces a new bitmap right here, n ≥ 1 reuses the n-th one seen for
   * this schema or group.
   */
  private bitmap(owner: object, bits: number, what: string): number {
    const r = this.shape;
    const at = r.pos;
    const code = r.varint(`${what} shape code`);
    let known = this.shapes.get(owner);
    if (!known) this.shapes.set(owner, (known = []));
    if (code > 0) {
      return known[code - 1] ?? r.fail(`${what}: shape code ${code} but only ${known.length} shapes were sent`, at);
    }
    const pos = r.pos;
    readBitmap(r, bits, what);
    known.push(pos);
    return pos;
  }

  private field(f: Field, slots: Float64Array, index: number, parent: Float64Array | undefined, valueQ: number, ms: boolean): AttrValue {
    const r = this.streams[f.stream]!;
    switch (f.codec) {
      case C_STR:
        return this.codes.read(r, f.key);
      case C_INT: {
        const n = r.zigzag(f.key) + predict(f.a, f.b, f.c, slots, parent, valueQ);
        slots[index] = n;
        return n;
      }
      case C_VNUM:
      case C_TIME: {
        // A vnum is a time in ms events and a generic number otherwise.
        if (f.codec === C_VNUM && !ms) return readNumber(r, f.key);
        const q = r.zigzag(f.key) + predict(f.a, f.b, f.c, slots, parent, valueQ);
        slots[index] = q;
        return q / 10;
      }
      case C_NUM:
      default:
        return readNumber(r, f.key);
    }
  }

  private genericAttrs(attrs: Attrs): void {
    const n = this.shape.count('generic attribute count', 1, this.xkey.left());
    for (let i = 0; i < n; i++) {
      const at = this.xkey.pos;
      const key = this.codes.read(this.xkey, 'attribute key');
      if (Object.prototype.hasOwnProperty.call(attrs, key)) this.xkey.fail(`duplicate attribute key ${JSON.stringify(key.slice(0, 60))}`, at);
      const v = this.genericValue();
      if (key === '__proto__') Object.defineProperty(attrs, key, { value: v, enumerable: true, writable: true, configurable: true });
      else attrs[key] = v;
    }
  }

  private genericValue(): AttrValue {
    const r = this.xval;
    const at = r.pos;
    const tag = r.u8('attribute value');
    if (tag === T_STRING) return this.codes.read(r, 'attribute value');
    if (tag === T_TRUE) return true;
    if (tag === T_FALSE) return false;
    const x = readNumberPayload(r, tag, 'attribute value');
    return x ?? r.fail(`unknown value tag ${tag}`, at);
  }
}

/** Keys of group items below this index are built once per process. */
const CACHED_ITEMS = 32;
const groupKeys = new WeakMap<Group, string[][]>();

/**
 * `<prefix>.<j>.<field>`: built and interned once for the first items of each
 * group, since a fresh key string per attribute (hashed anew at every store)
 * was a good part of what decoding a batch cost.
 */
function groupKey(g: Group, j: number, f: number): string {
  if (j >= CACHED_ITEMS) return `${g.prefix}.${j}.${g.fields[f]!.key}`;
  let byItem = groupKeys.get(g);
  if (!byItem) groupKeys.set(g, (byItem = []));
  const keys = (byItem[j] ??= g.fields.map((field) => `${g.prefix}.${j}.${field.key}`));
  return keys[f]!;
}

function readBitmap(r: Reader, bits: number, what: string): void {
  const bytes = (bits + 7) >> 3;
  r.need(bytes, what);
  const last = r.buf[r.pos + bytes - 1]!;
  if (bits & 7 && last >> (bits & 7)) r.fail(`${what} sets bits beyond the ${bits} fields`, r.pos + bytes - 1);
  r.pos += bytes;
}
