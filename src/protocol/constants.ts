/** Wire constants of protocol version 1 (docs/protocol.md). */

/** First two bytes of every binary batch: `"PP"`. */
export const MAGIC0 = 0x50;
/** Second magic byte. */
export const MAGIC1 = 0x50;
/** Header length in bytes. */
export const HEADER_BYTES = 4;

/** Header flag: the payload is raw-DEFLATE compressed. */
export const FLAG_DEFLATE = 1;
/** Header flag: event timestamps are whole milliseconds, not tenths. */
export const FLAG_TS_MS = 2;
/** Header flags this version understands. */
export const KNOWN_HEADER_FLAGS = FLAG_DEFLATE | FLAG_TS_MS;

/** Default cap on the (inflated) payload a decoder accepts: 1 MiB. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Event flag bits (§7.2). */
export const EF_UNIT_MASK = 3;
/** Unit mode 1: `"ms"`. */
export const UNIT_MS = 1;
/** Unit mode 2: a string code in META. */
export const UNIT_CODE = 2;
/** `id` is present. */
export const EF_ID = 4;
/** `attrs` is present. */
export const EF_ATTRS = 8;
/** Rating field shift and mask. */
export const EF_RATING_SHIFT = 4;
/** Rating mode 4: a string code in META. */
export const RATING_CODE = 4;
/** Value is a generic number. */
export const EF_VALUE_GENERIC = 0x80;
/** Timestamp is a generic number. */
export const EF_TS_GENERIC = 0x100;
/** Every flag bit this version defines. */
export const EF_KNOWN = 0x1ff;

/** Ratings by mode 1–3. */
export const RATINGS = ['good', 'needs-improvement', 'poor'] as const;

/** Base stream ids (§7.1). */
export const S_HEAD = 0;
/** Timestamps. */
export const S_TS = 1;
/** Names. */
export const S_NAME = 2;
/** Values. */
export const S_VALUE = 3;
/** Unit, rating and id codes. */
export const S_META = 4;
/** Presence bitmaps, group and generic-attribute counts. */
export const S_SHAPE = 5;
/** Generic attribute keys. */
export const S_XKEY = 6;
/** Generic attribute values. */
export const S_XVAL = 7;
/** First schema field stream. */
export const S_FIELDS = 8;

/** Generic value tags (§6). */
export const T_FALSE = 0;
/** `true`. */
export const T_TRUE = 1;
/** A string code follows. */
export const T_STRING = 2;
/** A zigzag integer follows. */
export const T_INT = 3;
/** Decimal with 1 fractional digit; tags up to `T_DEC1 + 8` (9 digits). */
export const T_DEC1 = 4;
/** Highest decimal scale. */
export const MAX_DECIMALS = 9;
/** binary32 follows. */
export const T_F32 = 13;
/** binary64 follows. */
export const T_F64 = 14;
/** NaN. */
export const T_NAN = 15;
/** +Infinity. */
export const T_INF = 16;
/** -Infinity. */
export const T_NINF = 17;
/** -0. */
export const T_NEG_ZERO = 18;

/** Largest |t| (ms) stored as tenths; beyond it numbers take the generic path. */
export const MAX_TIME = 1e14;
/** Largest |n| stored in an `int` slot. */
export const MAX_INT = 2 ** 50;

/** Amplification limit on table strings (§5.2): base and per-payload-byte factor. */
export const STRING_CHARS_BASE = 65536;
/** Per payload byte. */
export const STRING_CHARS_PER_BYTE = 16;
