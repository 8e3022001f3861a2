import { randomHex } from '../core/ids';
import type { Batch, PerfEvent } from '../core/types';
import { PROTOCOL_VERSION } from '../core/types';

/** A new batch of `events`, with a fresh id: what makes every retry and replay idempotent. */
export const newBatch = (sessionId: string, page: string, events: PerfEvent[]): Batch => ({
  v: PROTOCOL_VERSION, batchId: randomHex(8), sessionId, page, sentAt: Date.now(), events,
});
