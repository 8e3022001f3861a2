import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors';
import { Reader } from './reader';
import { Writer } from './writer';

function bytes(...b: number[]): Uint8Array {
  return new Uint8Array(b);
}

describe('varint', () => {
  const cases = [0, 1, 127, 128, 300, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 49 + 3, 2 ** 53 - 1];
  it.each(cases)('round-trips %d', (n) => {
    const w = new Writer(1);
    w.varint(n);
    const r = new Reader(w.finish(), 0, w.pos);
    expect(r.varint('x')).toBe(n);
    expect(r.left()).toBe(0);
  });

  it('writes LEB128', () => {
    const w = new Writer();
    w.varint(300);
    expect([...w.finish()]).toEqual([0xac, 0x02]);
  });

  it('rejects non-minimal, over-long and too-large varints and truncation', () => {
    const read = (b: Uint8Array) => () => new Reader(b, 0, b.length).varint('count');
    expect(read(bytes(0x80, 0x00))).toThrow(/non-minimal varint/);
    expect(read(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01))).toThrow(/longer than 8 bytes/);
    expect(read(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))).toThrow(/exceeds 2\^53/);
    expect(read(bytes(0x80))).toThrow(ProtocolError);
    expect(read(bytes())).toThrow(/unexpected end of data reading count/);
  });
});

describe('zigzag', () => {
  it.each([0, -1, 1, -64, 64, -(2 ** 52), 2 ** 52 - 1, 123456789])('round-trips %d', (n) => {
    const w = new Writer();
    w.zigzag(n);
    expect(new Reader(w.finish(), 0, w.pos).zigzag('x')).toBe(n);
  });
});

describe('Reader', () => {
  it('reports offsets shifted by base', () => {
    const r = new Reader(bytes(1, 2), 0, 2, 100);
    r.u8('a');
    r.u8('b');
    try {
      r.u8('c');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProtocolError);
      expect((e as ProtocolError).offset).toBe(102);
      expect((e as ProtocolError).message).toBe('pagepace protocol: at byte 102: unexpected end of data reading c');
    }
  });

  it('caps counts by the bytes that could back them', () => {
    const r = new Reader(bytes(5, 0, 0), 0, 3);
    expect(() => r.count('events', 1)).toThrow(/events 5 is more than the 2 bytes left could hold/);
  });

  it('reads floats little-endian and bounds-checks them', () => {
    const w = new Writer(2);
    w.f64(Math.PI);
    w.f32(1.5);
    const r = new Reader(w.finish(), 0, w.pos);
    expect(r.f64('a')).toBe(Math.PI);
    expect(r.f32('b')).toBe(1.5);
    expect(() => r.f32('c')).toThrow(/c needs 4 bytes but only 0 are left/);
  });
});
