import { ProtocolError } from './errors';

/** 2^53: varints at or above it are not exact JavaScript numbers. */
const TWO_53 = 9007199254740992;

/**
 * A bounds-checked cursor over `[start, end)` of a byte array. Every read checks
 * what is left first, so malformed input fails with a `ProtocolError` naming the
 * offset instead of reading past the end or returning `undefined`.
 */
export class Reader {
  /** Next byte to read (index into `buf`). */
  pos: number;
  /**
   * Whether a UTF-8 string read from these bytes held U+0000 (set by the
   * string-table reader): the only character a decoded string can hold that a
   * consumer must clean, since the decoder's UTF-8 is fatal (no lone surrogates).
   */
  nul = false;
  private view: DataView | undefined;

  /**
   * @param buf the bytes; @param start first byte; @param end one past the last;
   * @param base added to `pos` in error offsets so they count from the body's start
   */
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
    readonly base = 0,
  ) {
    this.pos = start;
  }

  /** Bytes not yet read. */
  left(): number {
    return this.end - this.pos;
  }

  /** Throws a ProtocolError at the current position (or `at`). */
  fail(reason: string, at: number = this.pos): never {
    throw new ProtocolError(this.base + at, reason);
  }

  /** Requires `n` more bytes; `what` names them in the error. */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) this.fail(`${what} needs ${n} bytes but only ${this.end - this.pos} are left`);
  }

  /** Reads one byte. */
  u8(what: string): number {
    if (this.pos >= this.end) this.fail(`unexpected end of data reading ${what}`);
    return this.buf[this.pos++]!;
  }

  /** Reads a minimal unsigned LEB128 varint of at most 8 bytes and < 2^53. */
  varint(what: string): number {
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    let b = p < this.end ? buf[p++]! : this.fail(`unexpected end of data reading ${what}`);
    if (b < 0x80) {
      this.pos = p;
      return b;
    }
    let n = b & 0x7f;
    let mul = 128;
    for (let i = 1; ; i++) {
      if (i >= 8) this.fail(`${what}: varint longer than 8 bytes`, start);
      if (p >= this.end) this.fail(`unexpected end of data reading ${what}`);
      b = buf[p++]!;
      n += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (b === 0) this.fail(`${what}: non-minimal varint`, start);
        break;
      }
      mul *= 128;
    }
    if (n >= TWO_53) this.fail(`${what}: varint exceeds 2^53 - 1`, start);
    this.pos = p;
    return n;
  }

  /** Reads a zigzag varint. */
  zigzag(what: string): number {
    const z = this.varint(what);
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /**
   * Reads a count and checks that `minBytesEach` × count bytes could still be
   * there (`room`, default: what this reader has left), so no allocation is
   * sized by a number the input cannot back.
   */
  count(what: string, minBytesEach: number, room?: number): number {
    const at = this.pos;
    const n = this.varint(what);
    const avail = room ?? this.end - this.pos;
    if (n * minBytesEach > avail) this.fail(`${what} ${n} is more than the ${avail} bytes left could hold`, at);
    return n;
  }

  private dv(): DataView {
    return (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  /** Reads a little-endian binary32. */
  f32(what: string): number {
    this.need(4, what);
    const x = this.dv().getFloat32(this.pos, true);
    this.pos += 4;
    return x;
  }

  /** Reads a little-endian binary64. */
  f64(what: string): number {
    this.need(8, what);
    const x = this.dv().getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }
}
