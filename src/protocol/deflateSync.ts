import { deflateSync } from 'fflate';

/**
 * Raw DEFLATE, synchronously (fflate): at page hide nothing asynchronous can be awaited, and
 * `CompressionStream` is asynchronous only. Level 6, as gzip's default; readable by any inflater
 * of raw DEFLATE (the collector's `DecompressionStream('deflate-raw')`).
 */
export const deflateRawSync = (data: Uint8Array): Uint8Array => deflateSync(data, { level: 6 });
