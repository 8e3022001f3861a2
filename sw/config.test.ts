import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseConfig } from './config';

const BASE = 'https://app.test/pagepace-sw.js';
const parse = (x: unknown) => parseConfig(typeof x === 'string' ? x : JSON.stringify(x), BASE);

describe('worker config', () => {
  it('no config means the defaults and no problems', () => {
    expect(parseConfig(null, BASE)).toEqual({ config: { ...DEFAULTS }, problems: [] });
  });

  it('reads every key, making URLs absolute', () => {
    const { config, problems } = parse({
      ttlMs: 1000, timeoutMs: 200, l1Bytes: 1024, l2Bytes: 4096, defaults: false, offlineUrl: '/offline.html', clearOn: ['/logout$'],
      precache: ['/a.js', { url: 'b.css#x', revision: '2' }],
      routes: [{ pattern: 'x', flags: 'i', destination: 'image', strategy: 'cache-first', ttlMs: 5, timeoutMs: 6, fallbackOn: ['timeout', '5xx'], cacheAlways: true, authorized: true }],
    });
    expect(problems).toEqual([]);
    expect(config).toEqual({
      ttlMs: 1000, timeoutMs: 200, l1Bytes: 1024, l2Bytes: 4096, defaults: false, offlineUrl: 'https://app.test/offline.html', clearOn: ['/logout$'],
      precache: [{ url: 'https://app.test/a.js', revision: '' }, { url: 'https://app.test/b.css', revision: '2' }],
      routes: [{ pattern: 'x', flags: 'i', destination: ['image'], strategy: 'cache-first', ttlMs: 5, timeoutMs: 6, fallbackOn: ['timeout', '5xx'], cacheAlways: true, authorized: true }],
    });
  });

  it('never throws: bad parts are dropped and reported, good parts kept', () => {
    const { config, problems } = parse({
      ttlMs: -1, l1Bytes: 'big', defaults: 1, extra: true,
      routes: [{ pattern: '(', strategy: 'cache-first' }, { strategy: 'fastest' }, { strategy: 'network-only' }, 'x', { destination: 'image', strategy: 'cache-first' }],
      precache: [{ url: '/ok.js', revision: 3 }, '/fine.js'],
    });
    expect(config.ttlMs).toBe(DEFAULTS.ttlMs);
    expect(config.l1Bytes).toBe(DEFAULTS.l1Bytes);
    expect(config.routes).toEqual([{ destination: ['image'], strategy: 'cache-first' }]);
    expect(config.precache).toEqual([{ url: 'https://app.test/fine.js', revision: '' }]);
    expect(problems).toEqual([
      'ttlMs must be a number from 0 to 315360000000',
      'l1Bytes must be a number from 0 to 2147483648',
      'defaults must be a boolean',
      'routes[0].pattern must be a valid RegExp source',
      'routes[1].strategy must be one of cache-first, network-first, stale-while-revalidate, network-only',
      'routes[2] needs a pattern or a destination',
      'routes[3] must be an object',
      'precache[0] must be a URL or { url, revision }',
      'unknown key extra',
    ]);
  });

  it('network-first fallbacks are asked for by name; a timeout without "timeout" is reported', () => {
    const { config, problems } = parse({
      routes: [
        { destination: 'document', strategy: 'network-first', fallbackOn: ['slow'] },
        { destination: 'document', strategy: 'network-first', timeoutMs: 500 },
        { destination: 'document', strategy: 'network-first', fallbackOn: '5xx' },
      ],
    });
    expect(config.routes).toEqual([
      { destination: ['document'], strategy: 'network-first' },
      { destination: ['document'], strategy: 'network-first', timeoutMs: 500 },
      { destination: ['document'], strategy: 'network-first' },
    ]);
    expect(problems).toEqual([
      'routes[0].fallbackOn must list "timeout", "5xx"',
      'routes[1].timeoutMs needs fallbackOn ["timeout"]',
      'routes[2].fallbackOn must list "timeout", "5xx"',
    ]);
  });

  it('clearOn keeps the RegExp sources that compile and reports the others', () => {
    const { config, problems } = parse({ clearOn: ['/logout$', '(', 7] });
    expect(config.clearOn).toEqual(['/logout$']);
    expect(problems).toEqual(['clearOn[1] must be a RegExp source', 'clearOn[2] must be a RegExp source']);
    expect(parse({ clearOn: '/logout' }).problems).toEqual(['clearOn must be an array']);
  });

  it('malformed JSON or a non-object falls back to the defaults', () => {
    expect(parse('{nope')).toEqual({ config: { ...DEFAULTS }, problems: ['config is not valid JSON'] });
    expect(parse([1])).toEqual({ config: { ...DEFAULTS }, problems: ['config must be an object'] });
  });
});
