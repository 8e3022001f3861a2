/**
 * Amplification (issue 15, items 1 and 2): a small body that describes huge
 * strings is refused while it is being decoded, at the entry or reference that
 * crosses the budget, not after the whole table or batch was built.
 */
import { describe, expect, it } from 'vitest';
import { batchBomb, stringTableBomb } from './amplification.fixture';
import { decodeBatch, decodeBatchSync, encodeBatchSync, ProtocolError } from './index';
import { Writer } from './writer';

function errorOf(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return e as ProtocolError;
  }
  throw new Error('expected a ProtocolError');
}

describe('the string-table budget', () => {
  it('stops at the entry that crosses it, long before the end of the table', () => {
    // 2,000 segments × 4,000 entries: 8 million characters from 8 KB.
    const body = stringTableBomb(2_000, 4_000);
    const tableStarts = 4 + 1 + 2 * 2_000 + 2; // header, M, the template, T
    const e = errorOf(() => decodeBatchSync(body));
    // 65,536 + 16 × 8,011 payload bytes = 193,712 characters: the 97th entry of 2,000 characters crosses it.
    expect(e.message).toMatch(/string table expands past 193712 characters, the amplification limit/);
    expect(e.offset).toBe(tableStarts + 96);
  });

  it('is the batch budget (maxChars) when that is smaller', () => {
    const e = errorOf(() => decodeBatchSync(stringTableBomb(100, 50), { maxChars: 1_000 }));
    expect(e.message).toMatch(/decoded batch exceeds the limit of 1000 characters/);
  });

  it('refuses the review body (64 KB, 512 million characters) in milliseconds', () => {
    const t0 = performance.now();
    errorOf(() => decodeBatchSync(stringTableBomb(), { maxBytes: 65_536 }));
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('refuses an empty template literal (no writer makes one; each would cost a step per entry)', () => {
    const w = new Writer();
    for (const b of [0x50, 0x50, 1, 0, 1, 0, 12, 0x61]) w.u8(b); // template: "" then "a" (last)
    expect(errorOf(() => decodeBatchSync(w.finish())).message).toMatch(/at byte 5: empty template literal/);
  });
});

describe('the decoded-batch budget (maxChars)', () => {
  it('refuses 220 events × 64 attributes naming one 2,048-character string', async () => {
    const body = batchBomb();
    await expect(decodeBatch(body)).rejects.toThrow(/decoded batch exceeds the limit of 8388608 characters/);
    await expect(decodeBatch(body, { maxBytes: 65_536 })).rejects.toThrow(/exceeds the limit of 524288 characters/);
    // The same body is a valid batch for a decoder told to allow it.
    const batch = await decodeBatch(body, { maxChars: 40_000_000 });
    expect(batch.events).toHaveLength(220);
  });

  it('counts every string the batch hands out, each time, keys included', () => {
    const batch = {
      v: 1, batchId: 'b', sessionId: 's', page: 'p', sentAt: 0,
      events: [{ kind: 'custom', name: 'nn', value: 1, ts: 0, attrs: { key: 'value' } }],
    };
    // b + s + p + custom + nn + key + value = 1 + 1 + 1 + 6 + 2 + 3 + 5 = 19
    const body = encodeBatchSync(batch);
    expect(decodeBatchSync(body, { maxChars: 19 })).toMatchObject(batch);
    expect(errorOf(() => decodeBatchSync(body, { maxChars: 18 })).message).toMatch(/exceeds the limit of 18 characters/);
  });
});
