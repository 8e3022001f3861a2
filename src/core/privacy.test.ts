import { describe, expect, it } from 'vitest';
import type { PerfEvent } from './types';
import { stripEventUrls, stripUrl } from './privacy';

describe('stripUrl', () => {
  it.each([
    ['https://shop.test/cart?user=42#x', 'https://shop.test/cart'],
    ['https://shop.test/cart#section', 'https://shop.test/cart'],
    ['https://shop.test/#/route?token=1', 'https://shop.test/'],
    ['HTTPS://SHOP.TEST/A?B=1', 'HTTPS://SHOP.TEST/A'],
    ['http://127.0.0.1:8080/img/hero.jpg?w=800&sig=abc', 'http://127.0.0.1:8080/img/hero.jpg'],
    ['//cdn.test/app.js?v=3', '//cdn.test/app.js'],
    ['/checkout?step=pay', '/checkout'],
    ['chrome-extension://abc/content.js?x=1', 'chrome-extension://abc/content.js'],
    ['https://shop.test/cart?', 'https://shop.test/cart'],
  ])('removes the query string and fragment of %s', (input, out) => {
    expect(stripUrl(input)).toBe(out);
  });

  it.each([
    'https://shop.test/cart',
    '/checkout',
    // Not URLs: a CSS selector with an id, a question, a name with a hash, an empty string.
    'main > img#hero',
    '#hero',
    'why?',
    'route#2',
    '',
  ])('leaves %j unchanged', (input) => {
    expect(stripUrl(input)).toBe(input);
  });
});

describe('stripEventUrls', () => {
  const ev = (attrs?: PerfEvent['attrs']): PerfEvent => ({ kind: 'vital', name: 'LCP', value: 1200, ts: 1, ...(attrs ? { attrs } : {}) });

  it('strips every URL-looking attribute, attribution included, and keeps the rest', () => {
    const e = ev({
      'attribution.url': 'https://shop.test/hero.jpg?token=secret',
      'attribution.target': 'main > img#hero',
      'attribution.navigationEntry.name': 'https://shop.test/?utm_source=mail#top',
      route: '/cart',
      count: 3,
      cached: false,
    });
    expect(stripEventUrls(e).attrs).toEqual({
      'attribution.url': 'https://shop.test/hero.jpg',
      'attribution.target': 'main > img#hero',
      'attribution.navigationEntry.name': 'https://shop.test/',
      route: '/cart',
      count: 3,
      cached: false,
    });
  });

  it('never changes the event it is given', () => {
    const e = ev({ url: 'https://shop.test/a?b=1' });
    const copy = structuredClone(e);
    stripEventUrls(e);
    expect(e).toEqual(copy);
  });

  it('returns the same event when there is nothing to strip', () => {
    const plain = ev({ url: 'https://shop.test/a', n: 1 });
    expect(stripEventUrls(plain)).toBe(plain);
    const bare = ev();
    expect(stripEventUrls(bare)).toBe(bare);
  });
});
