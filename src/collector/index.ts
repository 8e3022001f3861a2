/**
 * `pagepace/collector` — the Node side of the beacon: decode any of our wire
 * formats, validate, and receive batches over HTTP.
 *
 * @packageDocumentation
 */
export { createCollector } from './handler';
export type { BatchMeta, CollectorErrorContext, CollectorHandler, CollectorOptions, CollectorStats } from './handler';
export { decodeBatch, DEFAULT_DECODERS, parseMediaType } from './decode';
export type { BatchDecoder, DecodeContext, DecoderEntry, DecoderRegistry, MediaType } from './decode';
export { validateBatch, DEFAULT_LIMITS } from './validate';
export type { WireLimits } from './validate';
export { MemoryDedupe, dedupeKey, claimsOf, DEFAULT_DEDUPE_ENTRIES } from './dedupe';
export type { ClaimOutcome, ClaimStore, DedupeStore } from './dedupe';
export { createRedisDedupe, DEFAULT_REDIS_TTL_MS, DEFAULT_REDIS_LEASE_MS, DEFAULT_REDIS_TIMEOUT_MS } from './redisDedupe';
export type { RedisDedupeClient, RedisDedupeOptions } from './redisDedupe';
export { shutdown } from './shutdown';
export { createOtlpGateway, batchToOtlp, OtlpExportError } from './gateway';
export type { OtlpBody, OtlpGatewayOptions } from './gateway';
export type { ShutdownOptions, ShutdownResult } from './shutdown';
export { CollectorError } from './errors';
export type { CorsOptions } from './cors';
export type { Batch, PerfEvent } from '../core/types';
