// The main-thread codec: the encoder only (this entry keeps the decoder out of its chunk), with
// synchronous DEFLATE, so that the bytes of the hide-time batch exist at once.
import { encodeBatchSync } from '../protocol/index';
import type { Batch } from '../core/types';

/** The wire body of a batch: binary, compressed when that makes it smaller. */
export const encodeWire = (batch: Batch): Uint8Array => encodeBatchSync(batch, { deflate: 'auto' });
