import type { Batch } from '../../core/types';

/** Media type of the JSON wire format. */
export const JSON_TYPE = 'application/json';

/** Encodes a batch as the JSON wire format: the Batch object itself. */
export function encodeJson(batch: Batch): string {
  return JSON.stringify(batch);
}
