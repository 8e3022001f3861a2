import { isWebVital } from '../core/types';
import type { Batch } from '../core/types';

/**
 * A batch as batches of one OTLP signal each: itself when its events are all web vitals or none
 * are; else its other events (same batch id) and its web vitals (batch id + `-logs`), each a
 * batch of its own from here on: stored, sent, retried and journaled alone. The ids are derived,
 * not drawn, so splitting the same batch twice (a journal replayed by two tabs) gives the same two.
 */
export function splitSignals(batch: Batch): Batch[] {
  const vitals = batch.events.filter(isWebVital);
  return vitals.length && vitals.length < batch.events.length
    ? [{ ...batch, events: batch.events.filter((e) => !isWebVital(e)) }, { ...batch, batchId: batch.batchId + '-logs', events: vitals }]
    : [batch];
}
