import { describe, expect, it } from 'vitest';
import { PagePaceError } from '../core/errors';
import { DEFAULT_DEDUPE_ENTRIES, MemoryDedupe, claimsOf, dedupeKey } from './dedupe';

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
    expect(() => new MemoryDedupe(0)).toThrow(PagePaceError);
  });
});

describe('dedupeKey', () => {
  it('keeps session and batch ids apart unambiguously', () => {
    expect(dedupeKey({ sessionId: 'ab', batchId: 'c' })).not.toBe(dedupeKey({ sessionId: 'a', batchId: 'bc' }));
    expect(dedupeKey({ sessionId: 's', batchId: 'b' })).toBe(dedupeKey({ sessionId: 's', batchId: 'b' }));
  });
});

describe('MemoryDedupe as a claim store', () => {
  it('claims a key once, says in-flight until confirmed or released, delivered after', () => {
    const store = new MemoryDedupe();
    expect(store.claim('k')).toBe('claimed');
    expect(store.claim('k')).toBe('in-flight');
    expect(store.has('k')).toBe(false); // a claim is not a delivery
    store.release('k');
    expect(store.claim('k')).toBe('claimed');
    store.confirm('k');
    expect(store.claim('k')).toBe('delivered');
    store.release('k'); // never forgets a delivered key
    expect(store.claim('k')).toBe('delivered');
    expect(store.has('k')).toBe(true);
  });

  it('keeps claims and deliveries within one LRU bound', () => {
    const store = new MemoryDedupe(2);
    store.claim('a');
    store.confirm('a');
    store.claim('b');
    expect(store.claim('a')).toBe('delivered'); // refreshes a: b is now the oldest
    store.claim('c');
    expect(store.size).toBe(2);
    expect(store.claim('b')).toBe('claimed');
  });
});

describe('claimsOf', () => {
  it('adapts the older has/add store: claim asks has, confirm calls add, release undoes nothing', async () => {
    const seen = new Set<string>();
    const legacy = { has: (k: string) => seen.has(k), add: (k: string) => void seen.add(k) };
    const claims = claimsOf(legacy);
    expect(await claims.claim('k')).toBe('claimed');
    await claims.confirm('k');
    expect(seen.has('k')).toBe(true);
    expect(await claims.claim('k')).toBe('delivered');
    await claims.release('k');
    expect(await claims.claim('k')).toBe('delivered');
  });

  it('passes a claim store through and refuses anything else with a clear error', () => {
    const store = new MemoryDedupe();
    expect(claimsOf(store)).toBe(store);
    expect(() => claimsOf({ has: () => false } as never)).toThrow(/dedupe must be a boolean, a positive integer, or a store with claim\(\), confirm\(\) and release\(\)/);
  });
});
