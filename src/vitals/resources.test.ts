import { describe, expect, it } from 'vitest';
import { createResourceTally, isCacheHit, resourceEvent } from './resources';
import type { ResourceLike } from './resources';

const res = (name: string, initiatorType: string, duration: number, transferSize: number, decodedBodySize: number, extra: Partial<ResourceLike> = {}): ResourceLike =>
  ({ name, initiatorType, startTime: 10, duration, transferSize, decodedBodySize, ...extra });

describe('resource summary', () => {
  it('counts and sums per type and in total, with cache hits and render-blocking resources', () => {
    const t = createResourceTally(2);
    t.add(res('https://a.test/app.js', 'script', 120, 5000, 20000, { renderBlockingStatus: 'blocking' }));
    t.add(res('https://a.test/lib.js', 'script', 30, 0, 8000)); // from cache
    t.add(res('https://a.test/a.png', 'img', 300, 9000, 9000));
    t.add(res('https://cdn.test/x.png', 'img', 5, 0, 0)); // cross-origin without TAO: unknown, not a hit
    const events = t.take(7, (u) => u.replace('https://', '//'));
    const by = Object.fromEntries(events.filter((e) => e.kind === 'resources').map((e) => [e.name, [e.value, e.attrs]]));
    expect(by).toEqual({
      resources: [4, { count: 4, bytes: 14000, decoded: 37000, cached: 1, blocking: 1 }],
      'resources.script': [2, { count: 2, bytes: 5000, decoded: 28000, cached: 1, blocking: 1 }],
      'resources.img': [2, { count: 2, bytes: 9000, decoded: 9000, cached: 0, blocking: 0 }],
    });
    // The slowest two, slowest first, as `resource` events named by (mapped) URL.
    expect(events.filter((e) => e.kind === 'resource').map((e) => [e.name, e.value])).toEqual([['//a.test/a.png', 300], ['//a.test/app.js', 120]]);
    expect(events.every((e) => e.ts === 7)).toBe(true);
    expect(t.take(8)).toEqual([]); // it starts over after each report
  });

  it('a cache hit is a body delivered with nothing transferred, or deliveryType cache', () => {
    expect(isCacheHit(res('u', 'img', 1, 0, 10))).toBe(true);
    expect(isCacheHit(res('u', 'img', 1, 0, 0))).toBe(false);
    expect(isCacheHit(res('u', 'img', 1, 300, 300, { deliveryType: 'cache' }))).toBe(true);
    expect(isCacheHit(res('u', 'img', 1, 300, 10))).toBe(false);
  });

  it('puts the entry in the keys of the protocol’s resource schema, leaving out zero and empty fields', () => {
    const e = resourceEvent(res('https://a.test/s.css', 'link', 42, 1200, 4000, {
      fetchStart: 11, domainLookupStart: 0, connectStart: 0, requestStart: 15, responseStart: 40, responseEnd: 52, encodedBodySize: 1000,
      nextHopProtocol: 'h2', renderBlockingStatus: 'blocking', deliveryType: '', responseStatus: 200, contentType: 'text/css',
    }), 3);
    expect(e).toEqual({
      kind: 'resource', name: 'https://a.test/s.css', value: 42, unit: 'ms', ts: 3,
      attrs: {
        startTime: 10, fetchStart: 11, requestStart: 15, responseStart: 40, responseEnd: 52, encodedBodySize: 1000, transferSize: 1200, decodedBodySize: 4000,
        responseStatus: 200, initiatorType: 'link', nextHopProtocol: 'h2', renderBlockingStatus: 'blocking', contentType: 'text/css',
      },
    });
  });
});
