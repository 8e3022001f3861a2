import { inflateRawSync } from 'node:zlib';
import type { Batch } from '../core/types';
import { HEADER_BYTES } from '../protocol/constants';
import { decodePayload, readHeader } from '../protocol/decode';
import { BINARY_CONTENT_TYPE, ProtocolError } from '../protocol/index';
import { CollectorError } from './errors';
import { checkBatch, DEFAULT_LIMITS } from './validate';
import type { WireLimits } from './validate';

/** What a decoder is told besides the bytes. */
export interface DecodeContext {
  /**
   * Largest size the body may reach once decoded, in bytes: a format with its
   * own compression (binary's deflate flag) must not inflate beyond it.
   */
  maxBytes: number;
  /**
   * Most characters the decoded batch may hold (`limits.maxChars`): a format
   * that can name one string many times (binary's string table) should stop
   * decoding once past it rather than build the batch for validation to refuse.
   */
  maxChars: number;
}

/**
 * Turns a request body (already decompressed) into a value for
 * `validateBatch`. It may return a promise; anything it throws or rejects
 * with becomes a 400 whose reason is the error's message, unless it is a
 * `CollectorError`, whose status is kept.
 */
export type BatchDecoder = (bytes: Uint8Array, context: DecodeContext) => unknown;

/** A decoder and the short format name reported to `onBatch` in `meta.format`. */
export interface DecoderEntry {
  /** Short name of the wire format, e.g. `json` or `binary`. */
  format: string;
  /** The decoder itself. */
  decode: BatchDecoder;
  /** Whether the body is text that must be UTF-8 (a `charset` parameter naming anything else is refused). */
  text?: boolean;
}

/** Decoders keyed by lower-case media type (no parameters). */
export type DecoderRegistry = ReadonlyMap<string, DecoderEntry>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeJson(bytes: Uint8Array): unknown {
  if (bytes.length === 0) throw new Error('body is empty');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new Error('body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`body is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

const json: DecoderEntry = { format: 'json', decode: decodeJson, text: true };

/**
 * Inflates a binary batch's raw-DEFLATE payload with Node's zlib, synchronously:
 * at most `maxBytes` (64 KiB by default) this takes tens of microseconds, far
 * less than the promise and stream machinery of `DecompressionStream` that the
 * isomorphic decoder must use. Bytes after the end of the DEFLATE stream are
 * refused, as `DecompressionStream` refuses them.
 */
function inflatePayload(bytes: Uint8Array, maxBytes: number): Buffer {
  const data = bytes.subarray(HEADER_BYTES);
  let out: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    out = inflateRawSync(data, { maxOutputLength: maxBytes, info: true }) as unknown as typeof out;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CollectorError(413, `decoded body exceeds the limit of ${maxBytes} bytes`, { cause: e });
    }
    throw new ProtocolError(HEADER_BYTES, `corrupt deflate data (${(e as Error).message})`);
  }
  if (out.engine.bytesWritten < data.length) {
    throw new ProtocolError(HEADER_BYTES + out.engine.bytesWritten, `${data.length - out.engine.bytesWritten} bytes after the end of the deflate data`);
  }
  return out.buffer;
}

/**
 * Batches whose decoder vouches that no string in them holds U+0000 or a lone
 * surrogate, so validation need not look at every string again: the binary
 * decoder knows it from its string table, where each string is read once
 * however many times the batch names it.
 */
const CLEAN_OUTPUT = new WeakSet<object>();

function decodeBinaryBody(bytes: Uint8Array, { maxBytes, maxChars }: DecodeContext): Batch {
  try {
    const header = readHeader(bytes);
    const facts = { nul: false };
    // Errors name offsets in the body: an inflated payload is its own buffer,
    // read from 0, and stands for the bytes after the header.
    const payload = header.deflated ? inflatePayload(bytes, maxBytes) : bytes;
    const start = header.deflated ? 0 : HEADER_BYTES;
    const batch = decodePayload(payload, start, payload.length, HEADER_BYTES - start, header, maxChars, facts);
    if (!facts.nul) CLEAN_OUTPUT.add(batch);
    return batch;
  } catch (e) {
    // A decoded batch past maxChars is the same offence as a body past
    // maxBytes, so it earns the same 413. ProtocolError has no code, only its
    // message; if that wording changes this degrades to a 400, which still
    // refuses the body.
    if (e instanceof ProtocolError && /exceeds the limit/.test(e.message)) {
      throw new CollectorError(413, e.message.replace(/^pagepace protocol: /, ''), { cause: e });
    }
    throw e;
  }
}

const binary: DecoderEntry = { format: 'binary', decode: decodeBinaryBody };

/**
 * The decoders whose output is a fresh tree of plain objects with own data
 * properties only (`JSON.parse`, the binary decoder): validation may check it
 * in place instead of copying it. A decoder of yours is copied.
 */
export const OWNED_OUTPUT: ReadonlySet<BatchDecoder> = new Set<BatchDecoder>([decodeJson, decodeBinaryBody]);

/**
 * The media types this collector reads out of the box: JSON, and the binary
 * format of `src/protocol` (`application/vnd.pagepace+binary`).
 *
 * `text/plain` is read as JSON on purpose: `navigator.sendBeacon(url, string)`
 * sends `text/plain;charset=UTF-8`, a CORS-safelisted type that needs no
 * preflight, so it is the cheapest way for a page to beacon JSON cross-origin.
 * The body must still be a valid JSON batch, so nothing else gets in this way.
 */
export const DEFAULT_DECODERS: DecoderRegistry = new Map<string, DecoderEntry>([
  ['application/json', json],
  ['text/plain', json],
  [BINARY_CONTENT_TYPE, binary],
]);

/** A parsed `Content-Type`: lower-case media type and parameters. */
export interface MediaType {
  /** e.g. `application/json`. */
  type: string;
  /** Parameters with lower-case names, quotes removed, e.g. `{ charset: 'UTF-8' }`. */
  params: Record<string, string>;
}

/** Parses a `Content-Type` header value; returns `undefined` when it is absent or not `type/subtype`. */
export function parseMediaType(header: string | undefined): MediaType | undefined {
  if (!header) return undefined;
  const [head = '', ...rest] = header.split(';');
  const type = head.trim().toLowerCase();
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(type)) return undefined;
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name) params[name] = value;
  }
  return { type, params };
}

/**
 * Finds the decoder for a `Content-Type` header value.
 *
 * @throws CollectorError 415 when the type is missing, unknown, or a text
 *   type declares a charset other than UTF-8 (JSON on the wire is UTF-8 by
 *   RFC 8259; guessing another charset would corrupt strings silently).
 */
export function resolveDecoder(contentType: string | undefined, registry: DecoderRegistry = DEFAULT_DECODERS): DecoderEntry & { type: string } {
  const media = parseMediaType(contentType);
  if (!media) {
    throw new CollectorError(415, contentType ? `Content-Type ${JSON.stringify(contentType)} is not a media type` : 'Content-Type is missing');
  }
  const entry = registry.get(media.type);
  if (!entry) {
    const known = [...registry.keys()].join(', ');
    throw new CollectorError(415, `Content-Type ${media.type} is not supported; use one of: ${known}`);
  }
  const charset = media.params.charset?.toLowerCase();
  if (entry.text && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    throw new CollectorError(415, `charset ${charset} is not supported for ${media.type}; send UTF-8`);
  }
  return { ...entry, type: media.type };
}

/**
 * Runs a decoder, turning whatever it throws into a 400.
 * Decoders fail on malformed input by contract (ProtocolError, SyntaxError…),
 * so their errors are the client's problem, not the server's.
 */
export async function runDecoder(entry: DecoderEntry, bytes: Uint8Array, context: DecodeContext): Promise<unknown> {
  try {
    return await entry.decode(bytes, context);
  } catch (e) {
    if (e instanceof CollectorError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new CollectorError(400, message || `body is not valid ${entry.format}`, { cause: e });
  }
}

/**
 * Decodes and validates one request body (after any `Content-Encoding` has
 * been undone) according to its content type.
 *
 * @param bytes - the body.
 * @param contentType - the `Content-Type` header value; parameters such as
 *   `charset=utf-8` are allowed.
 * @param options - `decoders` to use instead of {@link DEFAULT_DECODERS};
 *   `limits` for {@link validateBatch}; `maxBytes`, how far a compressed
 *   binary batch may inflate (default 65536, as in `createCollector`);
 *   `limits.maxChars` defaults to 8 × `maxBytes`, as in `createCollector`.
 * @returns the batch, holding only the known wire fields.
 * @throws CollectorError 415 for an unsupported content type, 400 for a body
 *   that does not decode or does not have the wire shape, 413 for a binary
 *   batch inflating beyond `maxBytes` or a batch past `limits.maxChars`.
 */
export async function decodeBatch(
  bytes: Uint8Array,
  contentType: string,
  options: { decoders?: DecoderRegistry; limits?: Partial<WireLimits>; maxBytes?: number } = {},
): Promise<Batch> {
  const entry = resolveDecoder(contentType, options.decoders);
  const maxBytes = options.maxBytes ?? 65_536;
  const limits: WireLimits = { ...DEFAULT_LIMITS, ...options.limits, maxChars: options.limits?.maxChars ?? 8 * maxBytes };
  const decoded = await runDecoder(entry, bytes, { maxBytes, maxChars: limits.maxChars });
  return checkBatch(decoded, limits, OWNED_OUTPUT.has(entry.decode), isClean(entry, decoded));
}

/**
 * Whether `value` came straight from the built-in binary decoder and it vouched
 * for every string (see {@link CLEAN_OUTPUT}). The entry must be that decoder
 * itself: a wrapper around it may have changed the batch after it was vouched for.
 */
export function isClean(entry: DecoderEntry, value: unknown): boolean {
  return entry.decode === decodeBinaryBody && typeof value === 'object' && value !== null && CLEAN_OUTPUT.has(value);
}
