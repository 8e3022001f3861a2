// `pagepace/beacon`: batching and sending on their own, for any event source.
export { createBatcher } from './batcher';
export type { Batcher, BatcherDeps, BatcherOptions, BatcherStats } from './batcher';
export { createHttpTransport, KEEPALIVE_LIMIT } from './transport';
export type { Send, Transport, TransportStats } from './transport';
export { createEncoder } from '../worker/encoder';
export type { Encoded, Encoder, EncoderOptions } from '../worker/encoder';
export { encodeJson, JSON_TYPE } from './formats/json';
