import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Batch } from '../core/types';
import { decodeBatch, decodeBatchSync, encodeBatch, encodeBatchSync, ProtocolError } from './index';

const fromHex = (h: string) => Uint8Array.from(h.replace(/\s+/g, '').match(/../g) ?? [], (x) => parseInt(x, 16));
/** 65 bytes, annotated in docs/protocol.md §11. */
const WORKED = fromHex(readFileSync(new URL('./vectors/worked-example.hex', import.meta.url), 'utf8'));

function patched(edits: Record<number, number>, bytes: Uint8Array = WORKED): Uint8Array {
  const b = bytes.slice();
  for (const [at, v] of Object.entries(edits)) b[Number(at)] = v;
  return b;
}

function splice(b: Uint8Array, at: number, del: number, ...ins: number[]): Uint8Array {
  return Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(at + del)]);
}

function errorOf(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as Error).name).toBe('ProtocolError');
    return e as ProtocolError;
  }
  throw new Error('expected a ProtocolError');
}

describe('malformed input', () => {
  it('sanity: the base input decodes', () => {
    expect(decodeBatchSync(WORKED).events[0]!.value).toBe(1234.5);
  });

  it.each<[string, Uint8Array, number, RegExp]>([
    ['too short', WORKED.subarray(0, 3), 3, /needs at least 4 bytes, got 3/],
    ['bad magic', patched({ 0: 0x7b }), 0, /not a pagepace binary batch \(bad magic\)/],
    ['newer version', patched({ 2: 9 }), 2, /^pagepace protocol: at byte 2: protocol version 9 is newer than this decoder \(1\); upgrade pagepace\/collector$/],
    ['version 0', patched({ 2: 0 }), 2, /protocol version 0 is not supported/],
    ['reserved header flag', patched({ 3: 0x82 }), 3, /unknown header flags 0x82/],
    ['string longer than the input', splice(WORKED, 12, 1, 0x88, 0x0e), 14, /at byte 14: string length 900 exceeds the \d+ bytes left/],
    ['string count beyond the input', patched({ 5: 0x7f }), 5, /string table size 127 is more than the \d+ bytes left could hold/],
    ['invalid UTF-8', patched({ 7: 0xc3, 8: 0x28 }), 7, /not valid UTF-8/],
    ['unknown template', patched({ 6: 0x03 }), 6, /uses template 1 but there are only 0/],
    ['code of an entry not introduced yet', patched({ 28: 0x43 }), 28, /page: string code 67 refers to table entry 2, but only 2 are introduced/],
    ['code 0 after the table is used up', patched({ 5: 0x02 }, splice(WORKED, 12, 14)), 14, /page: string code 0 but all 2 table entries are already used/],
    ['non-number sentAt', patched({ 29: 0x02 }), 29, /sentAt: tag 2 is not a number tag/],
    ['unknown number tag', patched({ 29: 0x40 }), 29, /sentAt: tag 64 is not a number tag/],
    ['event count beyond HEAD', patched({ 32: 0x05 }), 32, /event count 5 is more than the 2 HEAD bytes could hold/],
    ['stream beyond this version', patched({ 43: 0x80 }), 33, /names stream 87, beyond the 86 of this version/],
    ['stream lengths past the end', patched({ 49: 0x05 }), 50, /streams need 19 bytes but only 15 are left/],
    ['trailing bytes', Uint8Array.from([...WORKED, 0]), 50, /1 trailing bytes after the streams/],
    ['unknown event flag bits', patched({ 44: 0x03 }, splice(WORKED, 51, 1, 0x99, 0x04)), 51, /unknown event flags 0x219/],
    ['reserved unit mode', patched({ 51: 0x1b }), 51, /unit mode 3 is reserved/],
    ['reserved rating mode', patched({ 51: 0x59 }), 51, /rating mode 5 is reserved/],
    ['time value without ms', patched({ 51: 0x18 }), 51, /time-coded value needs unit "ms"/],
    ['unknown shape', patched({ 57: 0x02 }), 57, /shape code 2 but only 0 shapes were sent/],
    ['bitmap bits beyond the fields', patched({ 62: 0xf0 }), 62, /sets bits beyond the 36 fields/],
    ['unread stream bytes', patched({ 58: 0x00 }), 64, /1 unread bytes in stream 8/],
  ])('%s', (_, input, offset, message) => {
    const e = errorOf(() => decodeBatchSync(input));
    expect(e.message).toMatch(message);
    expect(e.offset).toBe(offset);
  });

  it('rejects unused table entries and duplicate keys', () => {
    // One more entry than the codes introduce.
    const unused = splice(WORKED, 5, 1, 0x04, 0x02, 0x7a);
    expect(errorOf(() => decodeBatchSync(unused)).message).toMatch(/has 4 entries but only 3 are used/);
    const dup: Batch = { v: 1, batchId: 'b', sessionId: 's', page: '', sentAt: 0, events: [{ kind: 'k', name: 'n', value: 1, ts: 0, attrs: { a: 1, b: 2 } }] };
    const bytes = encodeBatchSync(dup);
    // XKEY holds [0 (new "a"), 65 ("b" = entry 0, the batchId)]: point the second at "a" (entry 4, code 69).
    const at = bytes.lastIndexOf(0x41);
    expect(bytes[at - 1]).toBe(0x00);
    const e = errorOf(() => decodeBatchSync(patched({ [at]: 0x45 }, bytes)));
    expect(e.message).toMatch(/duplicate attribute key "a"/);
    expect(e.offset).toBe(at);
  });

  it('throws ProtocolError for non-bytes input', () => {
    expect(errorOf(() => decodeBatchSync('PP' as unknown as Uint8Array)).message).toMatch(/not a Uint8Array/);
  });

  it('rejects corrupt and truncated deflate data with ProtocolError', async () => {
    const batch: Batch = { v: 1, batchId: 'b', sessionId: 's', page: 'https://a.io/', sentAt: 0, events: Array.from({ length: 50 }, (_, i) => ({ kind: 'k', name: 'n', value: i, ts: i })) };
    const packed = await encodeBatch(batch, { deflate: true });
    await expect(decodeBatch(packed.subarray(0, packed.length - 5))).rejects.toBeInstanceOf(ProtocolError);
    await expect(decodeBatch(Uint8Array.from([0x50, 0x50, 1, 1, 0xff, 0xff, 0xff]))).rejects.toThrow(/corrupt deflate data/);
    await expect(decodeBatch(Uint8Array.from([0x50, 0x50, 9, 1]))).rejects.toThrow(/newer than this decoder/);
    await expect(decodeBatch(Uint8Array.from([0x50, 0x50, 1, 1]))).rejects.toBeInstanceOf(ProtocolError);
  });
});
