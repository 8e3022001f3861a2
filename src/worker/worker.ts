// The encoding worker (built to dist/pagepace.worker.js, a module worker): encodes and
// compresses batches off the main thread and transfers the bytes back without a copy.
import { expose, transfer } from 'comlink';
import { encodeWire } from './codec';
import type { Batch } from '../core/types';

/** What the worker offers the page through comlink. */
export interface EncoderWorkerApi {
  /** Encodes a batch, compressing it when that pays. */
  encode(batch: Batch): Promise<Uint8Array>;
}

const api: EncoderWorkerApi = {
  encode(batch) {
    const bytes = encodeWire(batch);
    return Promise.resolve(transfer(bytes, [bytes.buffer as ArrayBuffer]));
  },
};

expose(api);
