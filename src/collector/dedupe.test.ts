import { describe, expect, it } from 'vitest';
import { DEFAULT_DEDUPE_ENTRIES, MemoryDedupe, dedupeKey } from './dedupe';

describe('MemoryDedupe', () => {
  it('remembers keys up to its bound, forgetting the least recently seen', () => {
    const seen = new MemoryDedupe(3);
    for (const k of ['a', 'b', 'c']) seen.add(k);
    expect(seen.has('a')).toBe(true); // refreshes a: b is now the oldest
    seen.add('d');
    expect(seen.size).toBe(3);
    expect(seen.has('b')).toBe(false);
    expect(['a', 'c', 'd'].map((k) => seen.has(k))).toEqual([true, true, true]);
  });

  it('defaults to 10,000 entries and refuses a silly bound', () => {
    expect(DEFAULT_DEDUPE_ENTRIES).toBe(10_000);
    const seen = new MemoryDedupe();
    for (let i = 0; i < 10_050; i++) seen.add(String(i));
    expect(seen.size).toBe(10_000);
    expect(seen.has('49')).toBe(false);
    expect(seen.has('50')).toBe(true);
    expect(() => new MemoryDedupe(0)).toThrow(RangeError);
  });
});

describe('dedupeKey', () => {
  it('keeps session and batch ids apart unambiguously', () => {
    expect(dedupeKey({ sessionId: 'ab', batchId: 'c' })).not.toBe(dedupeKey({ sessionId: 'a', batchId: 'bc' }));
    expect(dedupeKey({ sessionId: 's', batchId: 'b' })).toBe(dedupeKey({ sessionId: 's', batchId: 'b' }));
  });
});
