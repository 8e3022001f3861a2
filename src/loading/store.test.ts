import { describe, expect, it } from 'vitest';
import { bound, load, save, touch } from './store';

describe('store helpers', () => {
  it('touch moves a key to the newest place; bound drops the oldest', () => {
    const r: Record<string, number> = { a: 1, b: 2, c: 3 };
    touch(r, 'a', 9);
    expect(Object.keys(r)).toEqual(['b', 'c', 'a']);
    expect(bound(r, 2)).toEqual({ c: 3, a: 9 });
  });

  it('falls back to memory without IndexedDB (as in Node)', async () => {
    await save('k', { x: 1 });
    expect(await load('k')).toEqual({ x: 1 });
    expect(await load('missing')).toBeUndefined();
  });
});
