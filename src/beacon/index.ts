// `pagepace/beacon`: batching and delivery on their own, for any event source.
export { createBatcher } from './batcher';
export type { Batcher, BatcherDeps, BatcherOptions, BatcherStats } from './batcher';
export { createDelivery, MAX_IN_FLIGHT } from './delivery';
export type { Delivery, DeliveryDeps, DeliveryStats } from './delivery';
export { createOutbox, DEFAULT_OUTBOX_LIMITS } from './outbox';
export type { Outbox, OutboxEntry, OutboxLimits } from './outbox';
export { backoffDelay, classify, DEFAULT_BACKOFF, parseRetryAfter } from './retry';
export type { BackoffOptions, Outcome } from './retry';
export { createCustomTransport, createHttpTransport, KEEPALIVE_LIMIT } from './transport';
export type { Transport, TransportStats } from './transport';
export { encodeJson, JSON_TYPE } from './formats/json';
export { createEncoder } from '../worker/encoder';
export type { Encoded, Encoder, EncoderOptions } from '../worker/encoder';
