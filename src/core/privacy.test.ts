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
    // Relative URLs keep no query either (issue 15, item 9).
    ['img/hero.png?token=secret', 'img/hero.png'],
    ['../x.js?sig=abc#f', '../x.js'],
    ['./a/b.css?v=1', './a/b.css'],
    ['hero.png?token=secret', 'hero.png'],
    // blob: and other schemes without an authority.
    ['blob:https://shop.test/6f1c-uuid?token=1#x', 'blob:https://shop.test/6f1c-uuid'],
    ['mailto:a@shop.test?subject=order%2042', 'mailto:a@shop.test'],
    // data: URLs lose their payload (the image, or a page's text), keep their media type.
    ['data:image/png;base64,iVBORw0KGgo=', 'data:image/png'],
    ['DATA:text/html,<p>Hello Alice, your order #42</p>', 'DATA:text/html'],
    ['data:,secret', 'data:'],
    // CSS url("…"), quoted or not, and spaces around.
    ['url("https://shop.test/bg.jpg?sig=1")', 'https://shop.test/bg.jpg'],
    ["url('img/bg.jpg?sig=1')", 'img/bg.jpg'],
    ['url(/bg.jpg#x)', '/bg.jpg'],
    ['url("data:image/svg+xml;utf8,<svg><text>Alice</text></svg>")', 'data:image/svg+xml'],
    ['  https://shop.test/a?b=1', 'https://shop.test/a'],
    ['\t/checkout?step=pay \n', '/checkout'],
    // Userinfo goes, with or without a password, and with a query after it.
    ['https://user:password@shop.test/a', 'https://shop.test/a'],
    ['https://alice@shop.test:8443/a?b', 'https://shop.test:8443/a'],
    ['//user:pw@cdn.test/app.js', '//cdn.test/app.js'],
    ['ftp://a:b@files.test/', 'ftp://files.test/'],
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
    // Routes and selectors as web-vitals writes them, and words with a colon or a question mark.
    '/products/:id',
    '/@alice/posts',
    'html>body>main>img#hero.big',
    'TimerHandler:setTimeout',
    'BUTTON#work.onclick',
    'time: 3?',
    'why? because',
    'a@b.test',
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

  it('strips relative, blob:, data:, url("…") and userinfo URLs in attrs, own keys only', () => {
    const e = ev({
      'attribution.url': 'img/hero.png?token=secret',
      'attribution.longestScript.entry.sourceURL': '../x.js?sig=abc',
      'attribution.lcpResourceEntry.name': ' https://user:password@shop.test/hero.png?w=1',
      bg: 'url("blob:https://shop.test/uuid#t")',
      poster: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==',
    });
    const polluted = Object.create({ inherited: 'https://shop.test/?leak=1' }) as Record<string, string>;
    Object.assign(polluted, e.attrs);
    expect(stripEventUrls({ ...e, attrs: polluted }).attrs).toEqual({
      'attribution.url': 'img/hero.png',
      'attribution.longestScript.entry.sourceURL': '../x.js',
      'attribution.lcpResourceEntry.name': 'https://shop.test/hero.png',
      bg: 'blob:https://shop.test/uuid',
      poster: 'data:image/jpeg',
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
