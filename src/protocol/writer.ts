/**
 * A growable little-endian byte buffer. Methods are monomorphic and closure-free
 * because the encoder calls them a few thousand times per batch and must beat
 * `JSON.stringify` + `TextEncoder`.
 */
export class Writer {
  /** Backing store; only `[0, pos)` is meaningful. */
  buf: Uint8Array;
  /** Number of bytes written. */
  pos = 0;
  private view: DataView | undefined;

  /** @param capacity initial size in bytes; it doubles as needed. */
  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
  }

  /** Forgets the content, keeping the buffer (writers are pooled across batches). */
  reset(): void {
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = undefined;
  }

  /** Appends one byte. */
  u8(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Appends an unsigned LEB128 varint of `n` (0 ≤ n ≤ 2^53 − 1, an integer). */
  varint(n: number): void {
    if (this.pos + 8 > this.buf.length) this.ensure(8);
    const buf = this.buf;
    let p = this.pos;
    // Bit operators are 32-bit: take the division path only above 2^31.
    while (n > 0x7fffffff) {
      buf[p++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    while (n > 0x7f) {
      buf[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[p++] = n;
    this.pos = p;
  }

  /** Appends the zigzag varint of a signed integer with |n| < 2^52. */
  zigzag(n: number): void {
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  /** Appends a binary32. */
  f32(x: number): void {
    this.ensure(4);
    (this.view ??= new DataView(this.buf.buffer)).setFloat32(this.pos, x, true);
    this.pos += 4;
  }

  /** Appends a binary64. */
  f64(x: number): void {
    this.ensure(8);
    (this.view ??= new DataView(this.buf.buffer)).setFloat64(this.pos, x, true);
    this.pos += 8;
  }

  /** Appends raw bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** The written bytes (a view, not a copy). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
