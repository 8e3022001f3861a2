/**
 * What the collector does with one body, in process and without HTTP: the
 * size check, `Content-Encoding`, decoding and validation, as `createCollector`
 * runs them. Resolves to the status it would answer (204 or a 4xx); anything
 * else it throws is a crash. For the structure-aware fuzzer (test and bench).
 */
import { BINARY_CONTENT_TYPE } from '../protocol/index';
import { decompress } from './body';
import { decodeBatch } from './decode';
import { CollectorError } from './errors';

/** The answer the collector would give `body` sent with `coding` (`maxBytes` as in `createCollector`). */
export async function answer(body: Uint8Array, coding: 'identity' | 'gzip' | 'deflate', maxBytes = 65_536): Promise<number> {
  try {
    if (body.length > maxBytes) return 413;
    const plain = await decompress(Buffer.from(body.buffer, body.byteOffset, body.length), coding, maxBytes);
    await decodeBatch(plain, BINARY_CONTENT_TYPE, { maxBytes });
    return 204;
  } catch (e) {
    if (e instanceof CollectorError && e.status >= 400 && e.status < 500) return e.status;
    throw e;
  }
}
