import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate, inflateRaw } from 'node:zlib';
import type { InputType, ZlibOptions } from 'node:zlib';
import { CLIENT_CLOSED, CollectorError } from './errors';

/** A `Content-Encoding` this collector can undo. */
export type ContentCoding = 'identity' | 'gzip' | 'deflate';

type Unzip = (input: InputType, options: ZlibOptions) => Promise<Buffer>;
const gunzipAsync = promisify(gunzip) as Unzip;
const inflateAsync = promisify(inflate) as Unzip;
const inflateRawAsync = promisify(inflateRaw) as Unzip;

/**
 * Reads the `Content-Encoding` header.
 *
 * @throws CollectorError 415 for any other coding, or a list of codings
 *   (RFC 9110 §15.5.16: an unsupported content coding is a 415).
 */
export function parseContentCoding(header: string | undefined): ContentCoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  throw new CollectorError(415, `Content-Encoding ${JSON.stringify(header)} is not supported; use gzip, deflate or none`);
}

/**
 * The declared `Content-Length`, or `undefined` when the body is chunked.
 * Node's parser already refuses malformed values, so a number is all we see.
 */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Options for {@link readBody}. */
export interface ReadBodyOptions {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** How long the whole body may take to arrive, in ms. */
  timeoutMs: number;
}

/**
 * Reads a request body into memory, never holding more than `maxBytes`.
 *
 * Rejects with CollectorError: 413 when `Content-Length` announces too much
 * (before reading anything) or the bytes streamed so far exceed the limit
 * (chunked bodies have no length up front); 408 when the body is too slow;
 * {@link CLIENT_CLOSED} when the client aborts; 500 when another middleware
 * already consumed the stream (the collector must be mounted before body
 * parsers such as `express.json()`, otherwise it would wait forever).
 *
 * On rejection the request is left paused with its listeners removed; the
 * caller decides whether to drain or drop the rest.
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  const { maxBytes, timeoutMs } = options;
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) {
    return Promise.reject(new CollectorError(413, `body is ${declared} bytes; the limit is ${maxBytes}`));
  }
  if (req.readableEnded) {
    return Promise.reject(
      new CollectorError(500, 'request body was already read by another middleware; mount the collector before body parsers'),
    );
  }
  if (req.destroyed) return Promise.reject(new CollectorError(CLIENT_CLOSED, 'the client closed the request'));

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;

    const settle = (error: CollectorError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onAborted);
      req.off('close', onClose);
      if (error) {
        req.pause();
        chunks.length = 0;
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer | string): void => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > maxBytes) {
        settle(new CollectorError(413, `body exceeds the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(buf);
    };
    const onEnd = (): void => settle(undefined);
    const onAborted = (): void => settle(new CollectorError(CLIENT_CLOSED, 'the client closed the request before the body was complete'));
    const onClose = (): void => {
      if (!req.complete) onAborted();
    };
    const timer = setTimeout(
      () => settle(new CollectorError(408, `body did not arrive within ${timeoutMs} ms`)),
      timeoutMs,
    );

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onAborted);
    req.on('close', onClose);
    req.resume();
  });
}

/**
 * Undoes a `Content-Encoding`, never producing more than `maxBytes`, so a
 * small compressed body cannot expand into gigabytes (a "zip bomb").
 *
 * `deflate` is zlib-wrapped per RFC 9110 (what `CompressionStream('deflate')`
 * produces); raw deflate is also accepted because some clients send it and
 * browsers have always tolerated both.
 *
 * @throws CollectorError 413 when the decompressed body exceeds `maxBytes`;
 *   400 when the data is not valid for its coding.
 */
export async function decompress(raw: Buffer, coding: ContentCoding, maxBytes: number): Promise<Buffer> {
  if (coding === 'identity') return raw;
  const options: ZlibOptions = { maxOutputLength: maxBytes };
  try {
    if (coding === 'gzip') return await gunzipAsync(raw, options);
    try {
      return await inflateAsync(raw, options);
    } catch (e) {
      if ((e as { code?: string }).code !== 'Z_DATA_ERROR') throw e;
      return await inflateRawAsync(raw, options);
    }
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CollectorError(413, `decompressed body exceeds the limit of ${maxBytes} bytes`, { cause: e });
    }
    throw new CollectorError(400, `body is not valid ${coding} data: ${(e as Error).message}`, { cause: e });
  }
}
