import { describe, expect, it } from 'vitest';
import { arrive, wasted } from './ledger';
import type { Ledger } from './ledger';

describe('prefetch ledger', () => {
  it('counts a hit when the next page was prefetched, and the rest as wasted', () => {
    const l: Ledger = { c: 3, b: 300, h: 0, hb: 0, u: [['https://s/a', 100, 'viewport'], ['https://s/b', 100, 'hover'], ['https://s/c', 100, 'predict']] };
    expect(arrive(l, 'https://s/b')).toEqual(['https://s/b', 100, 'hover']);
    expect(l).toMatchObject({ h: 1, hb: 100, u: [] });
    expect(wasted(l)).toBe(200);
  });

  it('counts no hit otherwise; the current page\'s prefetches are not wasted yet', () => {
    const l: Ledger = { c: 1, b: 100, h: 0, hb: 0, u: [['https://s/a', 100, 'viewport']] };
    expect(arrive(l, 'https://s/z')).toBeUndefined();
    l.c++;
    l.b += 50;
    l.u.push(['https://s/y', 50, 'hover']);
    expect(wasted(l)).toBe(100);
  });

  it('counts a prefetch still waiting when the page left only if the next navigation was delivered from it', () => {
    const l: Ledger = { c: 0, b: 0, h: 0, hb: 0, u: [], w: [['https://s/a', 100, 'intent']] };
    expect(arrive({ ...l, w: [...l.w!] }, 'https://s/a')).toBeUndefined();
    expect(arrive(l, 'https://s/a', true)).toEqual(['https://s/a', 100, 'intent']);
    expect(l).toMatchObject({ c: 1, b: 100, h: 1, hb: 100, u: [], w: [] });
    expect(wasted(l)).toBe(0);
  });
});
