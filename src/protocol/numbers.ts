import {
  MAX_DECIMALS, MAX_INT, MAX_TIME, T_DEC1, T_F32, T_F64, T_INF, T_INT, T_NAN, T_NEG_ZERO, T_NINF,
} from './constants';
import type { Reader } from './reader';
import type { Writer } from './writer';

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Relative error a decimal may add; the contract allows 1e-6, we keep 1000× tighter. */
const DECIMAL_TOLERANCE = 1e-9;

/** Whether `x` may be stored as tenths of a millisecond (docs/protocol.md §2). */
export function isTimeFit(x: unknown): x is number {
  return typeof x === 'number' && x <= MAX_TIME && x >= -MAX_TIME && (x !== 0 || 1 / x > 0);
}

/** Whether `x` may go in an `int` slot: a safe integer, not -0, |x| ≤ 2^50. */
export function isIntFit(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x <= MAX_INT && x >= -MAX_INT && (x !== 0 || 1 / x > 0);
}

/** A time-fit number in tenths of a millisecond (never -0). */
export function tenths(x: number): number {
  return Math.round(x * 10) + 0;
}

/** Writes a generic number (tags 3–18), the smallest exact-enough form (§6). */
export function writeNumber(w: Writer, x: number): void {
  if (isIntFit(x)) {
    w.u8(T_INT);
    w.zigzag(x);
    return;
  }
  if (x !== x) return w.u8(T_NAN);
  if (x === Infinity) return w.u8(T_INF);
  if (x === -Infinity) return w.u8(T_NINF);
  if (x === 0) return w.u8(T_NEG_ZERO); // +0 was taken by isIntFit
  const ax = Math.abs(x);
  if (ax < MAX_INT) {
    for (let k = 1; k <= MAX_DECIMALS; k++) {
      const p = POW10[k]!;
      const m = Math.round(x * p);
      if (m > MAX_INT || m < -MAX_INT) break;
      if (Math.abs(m / p - x) <= DECIMAL_TOLERANCE * ax) {
        w.u8(T_DEC1 + k - 1);
        w.zigzag(m);
        return;
      }
    }
  }
  if (Math.fround(x) === x) {
    w.u8(T_F32);
    w.f32(x);
  } else {
    w.u8(T_F64);
    w.f64(x);
  }
}

/**
 * Reads the payload of a number whose tag was already read; returns `undefined`
 * for tags that are not numbers, so the caller can handle strings and booleans
 * or reject.
 */
export function readNumberPayload(r: Reader, tag: number, what: string): number | undefined {
  if (tag === T_INT) return r.zigzag(what);
  if (tag >= T_DEC1 && tag < T_DEC1 + MAX_DECIMALS) return r.zigzag(what) / POW10[tag - T_DEC1 + 1]!;
  switch (tag) {
    case T_F32:
      return r.f32(what);
    case T_F64:
      return r.f64(what);
    case T_NAN:
      return NaN;
    case T_INF:
      return Infinity;
    case T_NINF:
      return -Infinity;
    case T_NEG_ZERO:
      return -0;
    default:
      return undefined;
  }
}

/** Reads a generic number (tags 3–18); any other tag is a ProtocolError. */
export function readNumber(r: Reader, what: string): number {
  const at = r.pos;
  const tag = r.u8(what);
  const x = readNumberPayload(r, tag, what);
  if (x === undefined) r.fail(`${what}: tag ${tag} is not a number tag`, at);
  return x;
}
