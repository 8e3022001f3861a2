import { DICT_CODES, DICT_SIZE, DICTIONARY } from './dictionary';
import type { CharBudget } from './budget';
import type { Reader } from './reader';
import { Writer } from './writer';

const SEG_LITERAL = 0;
const SEG_HEX_LOWER = 1;
const SEG_HEX_UPPER = 2;
const LAST = 4;
/** Shorter hex runs cost more in segment headers than packing saves. */
const MIN_HEX_RUN = 6;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

// 0: not hex, 1: a–f, 2: A–F, 3: digit (both cases).
const HEX_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) HEX_CLASS[c] = 3;
for (let c = 97; c <= 102; c++) HEX_CLASS[c] = 1;
for (let c = 65; c <= 70; c++) HEX_CLASS[c] = 2;

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;
  NIBBLE['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const HEX_PAIRS: [string[], string[]] = [[], []];
const HEX_DIGITS = ['0123456789abcdef', '0123456789ABCDEF'] as const;
for (let c = 0; c < 2; c++) {
  for (let b = 0; b < 256; b++) HEX_PAIRS[c]!.push(HEX_DIGITS[c]![b >> 4]! + HEX_DIGITS[c]![b & 15]!);
}

/** UTF-8 length of `s[from, to)`, counting a lone surrogate as U+FFFD (3 bytes) like TextEncoder. */
function utf8Length(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * Builds the string table while the events are encoded: hands out string codes
 * (docs/protocol.md §5.1) and writes each new string once. A string with hex
 * runs (hashes, ids, cache-busters) is split into a template — its text with
 * holes where the runs were — and the packed runs: URLs of one kind share a
 * template, so only their random bytes are sent per string.
 */
export class StringTableWriter {
  /** The encoded entries. */
  readonly out = new Writer(256);
  /** The encoded templates. */
  readonly templates = new Writer(128);
  /** Entries written so far. */
  count = 0;
  /** Templates written so far. */
  templateCount = 0;
  /** Sum of entry lengths in UTF-16 units, for the amplification limit. */
  totalChars = 0;
  private readonly index = new Map<string, number>();
  private readonly templateIndex = new Map<string, number>();
  /** Hex runs of the string being written: start, end, type, repeated. */
  private runs: number[] = [];

  /** @param useTemplates false stores every string literally (used when the amplification limit would be hit). */
  constructor(private readonly useTemplates = true) {}

  /** The string code for `s`, adding `s` to the table when it is new (then the code is 0). */
  code(s: string): number {
    const d = DICT_CODES.get(s);
    if (d !== undefined) return d;
    const i = this.index.get(s);
    if (i !== undefined) return DICT_SIZE + 1 + i;
    this.index.set(s, this.count);
    this.writeEntry(s);
    this.count++;
    this.totalChars += s.length;
    return 0;
  }

  private writeEntry(s: string): void {
    const runs = this.runs;
    runs.length = 0;
    if (this.useTemplates) findHexRuns(s, runs);
    const w = this.out;
    if (runs.length === 0) {
      const n = utf8Length(s, 0, s.length);
      w.varint(n * 2);
      writeUtf8(w, s, 0, s.length, n);
      return;
    }
    // Template key: literal parts and hole shapes, unambiguous thanks to \u0000
    // separators (a literal \u0000 in a URL only costs a missed share).
    let key = '';
    let at = 0;
    for (let r = 0; r < runs.length; r += 3) {
      key += s.slice(at, runs[r]) + '\u0000' + (runs[r + 2]! === SEG_HEX_LOWER ? 'x' : 'X') + (runs[r + 1]! - runs[r]!) + '\u0000';
      at = runs[r + 1]!;
    }
    key += s.slice(at);
    let t = this.templateIndex.get(key);
    if (t === undefined) {
      t = this.templateCount++;
      this.templateIndex.set(key, t);
      this.writeTemplate(s, runs);
    }
    w.varint(t * 2 + 1);
    for (let r = 0; r < runs.length; r += 3) packHex(w, s, runs[r]!, runs[r + 1]!);
  }

  private writeTemplate(s: string, runs: number[]): void {
    const w = this.templates;
    let at = 0;
    for (let r = 0; r < runs.length; r += 3) {
      const from = runs[r]!;
      const to = runs[r + 1]!;
      if (at < from) {
        const n = utf8Length(s, at, from);
        w.varint(n * 8 + SEG_LITERAL);
        writeUtf8(w, s, at, from, n);
      }
      w.varint((to - from) * 8 + (to === s.length ? LAST : 0) + runs[r + 2]!);
      at = to;
    }
    if (at < s.length) {
      const n = utf8Length(s, at, s.length);
      w.varint(n * 8 + LAST + SEG_LITERAL);
      writeUtf8(w, s, at, s.length, n);
    }
  }
}

/** Appends [start, end, type] of every hex run of at least MIN_HEX_RUN chars in `s` to `runs`. */
function findHexRuns(s: string, runs: number[]): void {
  const end = s.length;
  let i = 0;
  while (i < end) {
    const c = s.charCodeAt(i);
    if ((c < 128 ? HEX_CLASS[c]! : 0) === 0) {
      i++;
      continue;
    }
    // Longest run of lowercase-or-digit and of uppercase-or-digit starting here.
    let lower = 0;
    let upper = 0;
    let j = i;
    while (j < end) {
      const d = s.charCodeAt(j);
      const k = d < 128 ? HEX_CLASS[d]! : 0;
      if (k & 1 && lower === j - i) lower++;
      if (k & 2 && upper === j - i) upper++;
      if (lower !== j - i + 1 && upper !== j - i + 1) break;
      j++;
    }
    const run = lower >= upper ? lower : upper;
    if (run >= MIN_HEX_RUN) runs.push(i, i + run, lower >= upper ? SEG_HEX_LOWER : SEG_HEX_UPPER);
    i += run || 1;
  }
}

function writeUtf8(w: Writer, s: string, from: number, to: number, n: number): void {
  w.ensure(n);
  if (n === to - from) {
    const buf = w.buf;
    let p = w.pos;
    for (let i = from; i < to; i++) buf[p++] = s.charCodeAt(i);
    w.pos = p;
  } else {
    w.pos += utf8Encoder.encodeInto(s.slice(from, to), w.buf.subarray(w.pos)).written;
  }
}

function packHex(w: Writer, s: string, from: number, to: number): void {
  w.ensure((to - from + 1) >> 1);
  const buf = w.buf;
  let p = w.pos;
  let i = from;
  for (; i + 1 < to; i += 2) buf[p++] = (NIBBLE[s.charCodeAt(i)]! << 4) | NIBBLE[s.charCodeAt(i + 1)]!;
  if (i < to) buf[p++] = NIBBLE[s.charCodeAt(i)]! << 4;
  w.pos = p;
}

/**
 * A decoded template: literal strings and holes (digits × case), alternating
 * as they came (adjacent literals merged into one), and how many characters a
 * string built from it has.
 */
export interface Template {
  parts: (string | number)[];
  chars: number;
}

/**
 * Reads `count` templates (docs/protocol.md §5.2): literals as strings, holes
 * as numbers (+n lowercase, −n uppercase digits). Adjacent literals are joined
 * here, once, so building an entry costs one step per hole rather than one per
 * segment the input chose to split its text into; an empty literal (which no
 * writer produces) is refused.
 */
export function readTemplates(r: Reader, count: number): Template[] {
  const out: Template[] = new Array<Template>(count);
  for (let i = 0; i < count; i++) {
    const parts: (string | number)[] = [];
    let chars = 0;
    let text = '';
    let pieces: string[] | undefined;
    for (;;) {
      const at = r.pos;
      const h = r.varint('template segment header');
      const type = h & 3;
      const n = Math.floor(h / 8);
      if (type === SEG_LITERAL) {
        if (n === 0) r.fail('empty template literal', at);
        if (n > r.left()) r.fail(`string length ${n} exceeds the ${r.left()} bytes left`);
        const lit = decodeUtf8(r, n);
        chars += lit.length;
        if (text === '') text = lit;
        else (pieces ??= [text]).push(lit);
      } else if (type === 3) {
        r.fail('template segment type 3 is reserved', at);
      } else {
        if (n === 0) r.fail('template hole of 0 digits', at);
        if (text !== '') parts.push(pieces ? pieces.join('') : text);
        text = '';
        pieces = undefined;
        chars += n;
        parts.push(type === SEG_HEX_LOWER ? n : -n);
      }
      if (h & LAST) break;
    }
    if (text !== '') parts.push(pieces ? pieces.join('') : text);
    out[i] = { parts, chars };
  }
  return out;
}

/**
 * Reads `count` string-table entries (docs/protocol.md §5.2). Lengths are
 * checked against the bytes left before anything is decoded, and each entry's
 * length is charged to `budget` before it is built (§5.2's amplification limit).
 */
export function readStringTable(r: Reader, count: number, templates: Template[], budget?: CharBudget): string[] {
  const entries: string[] = new Array<string>(count);
  const buf = r.buf;
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const h = r.varint('string header');
    if (h % 2 === 0) {
      const n = h / 2;
      if (n > r.left()) r.fail(`string length ${n} exceeds the ${r.left()} bytes left`);
      const s = decodeUtf8(r, n);
      budget?.charge(r, s.length, at);
      entries[i] = s;
      continue;
    }
    const t = (h - 1) / 2;
    const template = templates[t] ?? r.fail(`string uses template ${t} but there are only ${templates.length}`, at);
    budget?.charge(r, template.chars, at);
    let s = '';
    for (const part of template.parts) {
      if (typeof part === 'string') {
        s += part;
        continue;
      }
      const n = part > 0 ? part : -part;
      const pairs = HEX_PAIRS[part > 0 ? 0 : 1];
      const bytes = (n + 1) >> 1;
      if (bytes > r.left()) r.fail(`hex run of ${n} digits needs ${bytes} bytes but only ${r.left()} are left`);
      let p = r.pos;
      const full = p + (n >> 1);
      while (p < full) s += pairs[buf[p++]!]!;
      if (n & 1) {
        const b = buf[p++]!;
        if (b & 15) r.fail('hex run padding nibble is not 0', p - 1);
        s += pairs[b]![0]!;
      }
      r.pos = p;
    }
    entries[i] = s;
  }
  return entries;
}

function decodeUtf8(r: Reader, n: number): string {
  const buf = r.buf;
  const start = r.pos;
  const end = start + n;
  // U+0000 is looked for here, once per table string, rather than in every
  // place the batch names the string.
  if (n <= 32) {
    let ascii = true;
    for (let p = start; p < end; p++) {
      const b = buf[p]!;
      if (b >= 0x80) ascii = false;
      else if (b === 0) r.nul = true;
    }
    if (ascii) {
      r.pos = end;
      return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
    }
  }
  try {
    const s = utf8Decoder.decode(buf.subarray(start, end));
    if (!r.nul && s.includes('\0')) r.nul = true;
    r.pos = end;
    return s;
  } catch {
    return r.fail('string is not valid UTF-8');
  }
}

/**
 * Resolves string codes while the payload is read: code 0 introduces the next
 * table entry, 1…D the dictionary, above that an entry already introduced.
 */
export class StringCodes {
  /** Entries introduced so far. */
  next = 0;

  /**
   * @param entries the decoded string table
   * @param budget charged with the length of every string handed out, each
   *   time: one long entry named by thousands of codes costs its length thousands of times
   */
  constructor(
    readonly entries: string[],
    private readonly budget?: CharBudget,
  ) {}

  /** Reads a string code from `r` and returns its string. */
  read(r: Reader, what: string): string {
    const at = r.pos;
    const c = r.varint(what);
    let s: string;
    if (c === 0) {
      if (this.next >= this.entries.length) {
        r.fail(`${what}: string code 0 but all ${this.entries.length} table entries are already used`, at);
      }
      s = this.entries[this.next++]!;
    } else if (c <= DICT_SIZE) {
      s = DICTIONARY[c - 1]!;
    } else {
      const i = c - DICT_SIZE - 1;
      if (i >= this.next) r.fail(`${what}: string code ${c} refers to table entry ${i}, but only ${this.next} are introduced`, at);
      s = this.entries[i]!;
    }
    this.budget?.charge(r, s.length, at);
    return s;
  }
}
