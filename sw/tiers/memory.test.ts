import { describe, expect, it } from 'vitest';
import { createLru } from './memory';

describe('byte-bounded LRU (L1)', () => {
  it('evicts the least recently used first, counting bytes not entries', () => {
    const lru = createLru<string>(100);
    lru.set('a', 'A', 40);
    lru.set('b', 'B', 40);
    expect(lru.get('a')).toBe('A'); // a is now the most recent
    expect(lru.set('c', 'C', 40)).toEqual(['b']);
    expect(lru.keys()).toEqual(['a', 'c']);
    expect([lru.bytes, lru.size, lru.evictions]).toEqual([80, 2, 1]);
  });

  it('evicts as many as needed for a big value', () => {
    const lru = createLru<number>(100);
    for (let i = 0; i < 10; i++) lru.set(`k${i}`, i, 10);
    expect(lru.set('big', 99, 95)).toHaveLength(10);
    expect(lru.keys()).toEqual(['big']);
    expect(lru.bytes).toBe(95);
  });

  it('refuses a value larger than the whole budget without evicting anything', () => {
    const lru = createLru<number>(100);
    lru.set('a', 1, 50);
    expect(lru.set('huge', 2, 101)).toEqual([]);
    expect(lru.has('huge')).toBe(false);
    expect(lru.get('a')).toBe(1);
  });

  it('replacing a key updates its size, delete and clear release bytes', () => {
    const lru = createLru<number>(100);
    lru.set('a', 1, 50);
    lru.set('a', 2, 30);
    expect([lru.bytes, lru.get('a')]).toEqual([30, 2]);
    lru.set('b', 3, 20);
    expect(lru.delete('a')).toBe(true);
    expect(lru.delete('a')).toBe(false);
    expect(lru.bytes).toBe(20);
    lru.clear();
    expect([lru.bytes, lru.size]).toEqual([0, 0]);
  });

  it('has() does not refresh recency', () => {
    const lru = createLru<number>(20);
    lru.set('a', 1, 10);
    lru.set('b', 2, 10);
    lru.has('a');
    lru.set('c', 3, 10);
    expect(lru.keys()).toEqual(['b', 'c']);
  });

  it('a zero budget holds nothing', () => {
    const lru = createLru<number>(0);
    lru.set('a', 1, 1);
    expect(lru.size).toBe(0);
  });
});
