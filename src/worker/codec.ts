// The main-thread fallback needs only the encoder: this entry keeps the decoder out of its chunk.
export { encodeBatch, encodeBatchSync } from '../protocol/index';
