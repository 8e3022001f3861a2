/**
 * The two amplification bodies of issue 15, built as the review built them:
 * small, well-formed as far as the wire goes, and describing far more than
 * they weigh. Test and bench inputs only.
 */
import type { Batch, PerfEvent } from '../core/types';
import { encodeBatchSync } from './index';
import { Writer } from './writer';

/**
 * 64,012 bytes: one template of 16,000 one-character literal segments, then
 * 32,000 string-table entries that each rebuild it (512 million characters).
 * The old decoder built the whole table before checking its size: 4.2 GB and
 * "JavaScript heap out of memory".
 */
export function stringTableBomb(segments = 16_000, entries = 32_000): Uint8Array {
  const w = new Writer(4 * segments + 2 * entries + 64);
  for (const b of [0x50, 0x50, 1, 0]) w.u8(b);
  w.varint(1); // one template
  for (let i = 0; i < segments; i++) {
    w.varint(1 * 8 + (i === segments - 1 ? 4 : 0)); // literal of 1 byte; the last segment ends the template
    w.u8(0x61);
  }
  w.varint(entries);
  for (let i = 0; i < entries; i++) w.varint(1); // template 0, no holes to fill
  // batchId, sessionId and page from the dictionary (""), sentAt as integer 0, no events.
  for (const b of [1, 1, 1, 3, 0, 0, 0, 0]) w.u8(b);
  return w.finish();
}

/**
 * About 1 KB (deflated): 220 events × 64 attributes that all name one
 * 2,048-character string, 256-character names and an 8 KB page URL — every
 * field within its own limit — decoding to a batch whose JSON is 30 MB.
 */
export function batchBomb(batchId = 'bomb-1'): Uint8Array {
  const value = 'v'.repeat(2048);
  const attrs: Record<string, string> = {};
  for (let k = 0; k < 64; k++) attrs[`attribute-${k}`] = value;
  const events: PerfEvent[] = Array.from({ length: 220 }, (_, i) => ({ kind: 'custom', name: 'n'.repeat(256), value: i, ts: 1_700_000_000_000 + i, attrs }));
  const batch: Batch = { v: 1, batchId, sessionId: 'bomb-session', page: `https://a.example/${'p'.repeat(8_000)}`, sentAt: 1_700_000_001_000, events };
  return encodeBatchSync(batch, { deflate: true });
}
