import { describe, expect, it } from 'vitest';
import { DEFAULT_IGNORE, prefetchable } from './links';

const here = 'https://shop.test/list?page=2#top';
const rules = { origins: ['https://docs.shop.test'], ignore: DEFAULT_IGNORE };

describe('prefetchable', () => {
  it('takes same-origin http(s) links, without their fragment', () => {
    expect(prefetchable('/item/1#reviews', here, rules)).toBe('https://shop.test/item/1');
    expect(prefetchable('item/2', here, rules)).toBe('https://shop.test/item/2');
  });

  it('refuses this same page, other schemes and unknown origins', () => {
    expect(prefetchable('?page=2#x', here, rules)).toBeUndefined();
    expect(prefetchable('mailto:a@b.c', here, rules)).toBeUndefined();
    expect(prefetchable('javascript:void 0', here, rules)).toBeUndefined();
    expect(prefetchable('https://evil.test/', here, rules)).toBeUndefined();
    expect(prefetchable('http://[bad', here, rules)).toBeUndefined();
  });

  it('takes allowed other origins', () => {
    expect(prefetchable('https://docs.shop.test/guide', here, rules)).toBe('https://docs.shop.test/guide');
  });

  it('refuses what the default ignore patterns match: sign-out, action=, downloads', () => {
    for (const u of ['/logout', '/account/sign-out', '/Log-Out?next=/', '/cart?action=delete', '/x?a=1&action=buy', '/files/report.pdf', '/a.zip?v=1']) {
      expect(prefetchable(u, here, rules), u).toBeUndefined();
    }
    expect(prefetchable('/transaction', here, rules)).toBe('https://shop.test/transaction');
  });

  it('uses the given ignore patterns instead of the defaults', () => {
    expect(prefetchable('/logout', here, { origins: [], ignore: [/admin/] })).toBe('https://shop.test/logout');
    expect(prefetchable('/admin/x', here, { origins: [], ignore: [/admin/] })).toBeUndefined();
  });
});
