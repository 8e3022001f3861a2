/**
 * `pagepace/protocol`: the binary wire codec (docs/protocol.md). Isomorphic: it
 * runs in pages, workers and Node ≥ 20 alike, with no DOM and no Node modules.
 *
 * @packageDocumentation
 */
import { PagePaceError } from '../core/errors';
import type { Batch } from '../core/types';
import { FLAG_DEFLATE, HEADER_BYTES } from './constants';
import { decodePayload, maxBytesOf, maxCharsOf, readHeader } from './decode';
import type { DecodeOptions } from './decode';
import { canDeflate, deflateRaw, inflateRaw } from './deflate';
import { encodeUncompressed } from './encode';
import { deflateRawSync } from './deflateSync';
import { ProtocolError } from './errors';

export { ProtocolError } from './errors';
export { DEFAULT_MAX_BYTES } from './constants';
export { PROTOCOL_VERSION } from '../core/types';
export type { DecodeOptions } from './decode';

/** The media type of a binary batch. */
export const BINARY_CONTENT_TYPE = 'application/vnd.pagepace+binary';

/** Options of {@link encodeBatch}. */
export interface EncodeOptions {
  /**
   * `'auto'` (default): compress, and keep the result only when it is smaller.
   * `true`: always compress (throws `PagePaceError` where the runtime lacks
   * `CompressionStream`). `false`: never compress.
   */
  deflate?: boolean | 'auto';
}

/** Options of {@link encodeBatchSync}. */
export interface EncodeSyncOptions {
  /**
   * `false` (default): never compress. `'auto'`: compress with a synchronous
   * DEFLATE (fflate) and keep the result only when it is smaller. `true`: always.
   */
  deflate?: boolean | 'auto';
}

/** Payloads below this size gain nothing from DEFLATE (its block overhead eats the saving). */
const MIN_DEFLATE_BYTES = 64;

/**
 * Encodes a batch into a binary body, compressing it when that helps (see
 * {@link EncodeOptions}). Rejects with `PagePaceError` naming the field when
 * the batch is not a well-formed `Batch`.
 *
 * @example
 * const body = await encodeBatch(batch);
 * navigator.sendBeacon(url, new Blob([body], { type: 'application/vnd.pagepace+binary' }));
 */
export async function encodeBatch(batch: Batch, opts?: EncodeOptions): Promise<Uint8Array> {
  const mode = opts?.deflate ?? 'auto';
  const plain = encodeUncompressed(batch);
  if (mode === false) return plain;
  if (!canDeflate()) {
    if (mode === true) throw new PagePaceError('deflate', 'pagepace: deflate needs CompressionStream, which this runtime lacks; use deflate: "auto" or false.');
    return plain;
  }
  if (mode === 'auto' && plain.length - HEADER_BYTES < MIN_DEFLATE_BYTES) return plain;
  const packed = await deflateRaw(plain.subarray(HEADER_BYTES));
  if (mode === 'auto' && packed.length >= plain.length - HEADER_BYTES) return plain;
  return withPayload(plain, packed);
}

/**
 * Encodes a batch synchronously: for page hide, where nothing asynchronous may
 * be awaited, and for small batches on the main thread (a 50-event batch
 * encodes in about the time a structured clone to a worker takes). With
 * `deflate`, compresses synchronously too. Throws `PagePaceError` on a malformed batch.
 */
export function encodeBatchSync(batch: Batch, opts?: EncodeSyncOptions): Uint8Array {
  const mode = opts?.deflate ?? false;
  const plain = encodeUncompressed(batch);
  if (mode === false || (mode === 'auto' && plain.length - HEADER_BYTES < MIN_DEFLATE_BYTES)) return plain;
  const packed = deflateRawSync(plain.subarray(HEADER_BYTES));
  return mode === 'auto' && packed.length >= plain.length - HEADER_BYTES ? plain : withPayload(plain, packed);
}

/** The header of `plain`, flagged as deflated, followed by `packed`. */
function withPayload(plain: Uint8Array, packed: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + packed.length);
  out.set(plain.subarray(0, HEADER_BYTES));
  out[3]! |= FLAG_DEFLATE;
  out.set(packed, HEADER_BYTES);
  return out;
}

/**
 * Decodes a binary body, inflating it when its header says so (bounded by
 * `opts.maxBytes`, default 1 MiB; the decoded batch by `opts.maxChars`). Rejects with {@link ProtocolError} — and
 * nothing else — on malformed input.
 */
export async function decodeBatch(bytes: Uint8Array, opts?: DecodeOptions): Promise<Batch> {
  const header = guard(() => readHeader(bytes));
  if (!header.deflated) return decodeBatchSync(bytes, opts);
  const payload = await inflateRaw(bytes.subarray(HEADER_BYTES), maxBytesOf(opts), HEADER_BYTES);
  return guard(() => decodePayload(payload, 0, payload.length, HEADER_BYTES, header, maxCharsOf(opts)));
}

/**
 * Decodes an uncompressed binary body synchronously. Throws {@link ProtocolError}
 * — and nothing else — on malformed input, including a compressed body.
 */
export function decodeBatchSync(bytes: Uint8Array, opts?: DecodeOptions): Batch {
  return guard(() => {
    const header = readHeader(bytes);
    if (header.deflated) throw new ProtocolError(3, 'the payload is deflate-compressed; use decodeBatch (async)');
    const max = maxBytesOf(opts);
    if (bytes.length - HEADER_BYTES > max) {
      throw new ProtocolError(HEADER_BYTES, `payload of ${bytes.length - HEADER_BYTES} bytes exceeds the limit of ${max}`);
    }
    return decodePayload(bytes, HEADER_BYTES, bytes.length, 0, header, maxCharsOf(opts));
  });
}

/**
 * Turns any stray exception into a ProtocolError: every read is meant to be
 * checked, but the contract ("malformed input throws ProtocolError only") must
 * hold even if one is missed, e.g. a RangeError from a huge allocation.
 */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError(0, `internal decoder error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
