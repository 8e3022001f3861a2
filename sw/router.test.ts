import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import type { RequestFacts } from './router';
import { decide } from './router';

const O = 'https://app.test';
const req = (url: string, more: Partial<RequestFacts> = {}): RequestFacts => ({ url, method: 'GET', destination: '', mode: 'cors', range: false, ...more });
const cfg = (json?: object) => parseConfig(json ? JSON.stringify(json) : null, `${O}/pagepace-sw.js`).config;
const none = new Map<string, string>();

describe('router, default routes', () => {
  const c = cfg();
  it.each(['script', 'style', 'image', 'font'])('same-origin %s is cache-first', (destination) => {
    expect(decide(req(`${O}/a.x?v=1#frag`, { destination }), c, O, none)).toMatchObject({ strategy: 'cache-first', key: `${O}/a.x?v=1`, pinned: false });
  });
  it('navigations are network-first', () => {
    expect(decide(req(`${O}/page`, { mode: 'navigate', destination: 'document' }), c, O, none)).toMatchObject({ strategy: 'network-first', navigate: true, timeoutMs: 0, on5xx: false });
  });
  it('leaves everything else to the browser', () => {
    expect(decide(req(`${O}/api`, { destination: '' }), c, O, none)).toBeUndefined();
    expect(decide(req('https://cdn.test/a.js', { destination: 'script' }), c, O, none)).toBeUndefined();
    expect(decide(req(`${O}/a.js`, { destination: 'script', method: 'POST' }), c, O, none)).toBeUndefined();
    expect(decide(req(`${O}/v.mp4`, { destination: 'video', range: true }), c, O, none)).toBeUndefined();
    expect(decide(req(`${O}/a.js`, { destination: 'script', range: true }), c, O, none)).toBeUndefined();
    expect(decide(req('chrome-extension://x/a.js', { destination: 'script' }), c, O, none)).toBeUndefined();
  });
  it('defaults: false turns the built-in routes off', () => {
    expect(decide(req(`${O}/a.js`, { destination: 'script' }), cfg({ defaults: false }), O, none)).toBeUndefined();
  });
});

describe('router, configured routes', () => {
  const c = cfg({
    routes: [
      { pattern: '/api/feed', strategy: 'stale-while-revalidate' },
      { pattern: '^https://cdn\\.test/', strategy: 'cache-first', ttlMs: 60_000 },
      { destination: 'image', strategy: 'network-only' },
      { destination: ['document'], strategy: 'network-first', timeoutMs: 500, fallbackOn: ['timeout'] },
      { pattern: '/admin', flags: 'i', strategy: 'network-only' },
    ],
  });
  it('first match wins, before the defaults', () => {
    expect(decide(req(`${O}/api/feed?x=1`), c, O, none)).toMatchObject({ strategy: 'stale-while-revalidate', ttlMs: 0 });
    expect(decide(req('https://cdn.test/lib.js', { destination: 'script' }), c, O, none)).toMatchObject({ strategy: 'cache-first', ttlMs: 60_000 });
    expect(decide(req(`${O}/i.png`, { destination: 'image' }), c, O, none)).toMatchObject({ strategy: 'network-only' });
    expect(decide(req(`${O}/p`, { mode: 'navigate' }), c, O, none)).toMatchObject({ strategy: 'network-first', timeoutMs: 500 });
    expect(decide(req(`${O}/ADMIN/x.js`, { destination: 'script' }), c, O, none)).toMatchObject({ strategy: 'network-only' });
  });
  it('a destination-only route stays same-origin unless crossOrigin', () => {
    expect(decide(req('https://other.test/i.png', { destination: 'image' }), c, O, none)).toBeUndefined();
    const x = cfg({ routes: [{ destination: 'image', strategy: 'cache-first', crossOrigin: true }] });
    expect(decide(req('https://other.test/i.png', { destination: 'image' }), x, O, none)).toMatchObject({ strategy: 'cache-first' });
  });
  it('cacheAlways is carried to the decision; non-GET still never handled', () => {
    const x = cfg({ routes: [{ pattern: '/private', strategy: 'cache-first', cacheAlways: true }] });
    expect(decide(req(`${O}/private`), x, O, none)).toMatchObject({ cacheAlways: true });
    expect(decide(req(`${O}/private`, { method: 'POST' }), x, O, none)).toBeUndefined();
  });
  it('precached URLs are cache-first, pinned, keyed by revision, and never expire', () => {
    const pre = new Map([[`${O}/app.js`, 'abc'], [`${O}/offline.html`, '']]);
    expect(decide(req(`${O}/app.js`, { destination: 'script' }), c, O, pre)).toEqual(expect.objectContaining({ strategy: 'cache-first', key: `${O}/app.js#rev=abc`, pinned: true, ttlMs: Infinity }));
    expect(decide(req(`${O}/offline.html`, { mode: 'navigate' }), c, O, pre)).toMatchObject({ key: `${O}/offline.html`, pinned: true });
  });
});
