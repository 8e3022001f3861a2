import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RouteConfig } from '../config';
import { parseConfig } from '../config';
import type { Entry } from '../entry';
import { decide } from '../router';
import type { RequestFacts } from '../router';
import { createCounters } from '../stats';
import { STORE_WAIT_MS, createTieredCache } from '../tiers';
import type { IdbTier } from '../tiers/idb';
import { createLru } from '../tiers/memory';
import type { StrategyContext } from './context';
import { STRATEGIES } from '.';

const O = 'https://app.test';

/** L2 as a Map (the IndexedDB tier itself is proven in Chromium by e2e/sw.spec.ts). */
function mapTier(): IdbTier & { map: Map<string, Entry> } {
  const map = new Map<string, Entry>();
  return {
    map,
    get: async (k) => map.get(k),
    put: async (k, e) => (map.set(k, e), true),
    touch: async () => undefined,
    async refresh(_k, meta, now) {
      meta.storedAt = now;
      meta.lastAccess = now;
    },
    delete: async (keys) => void keys.forEach((k) => map.delete(k)),
    keys: async (test) => [...map].filter(([k, e]) => !test || test(k, e.meta)).map(([k]) => k),
    clear: async () => map.clear(),
    stats: async () => ({ bytes: 0, entries: map.size, evictions: 0, quotaErrors: 0, budget: Infinity }),
  };
}

/**
 * One worker's state: its config, tiers, counters and a clock, and `serve(url)` running the request
 * through the router and the chosen strategy as the fetch handler does. `settle()` waits for the
 * background work handed to `waitUntil` (stores, revalidations), as the browser keeps the worker alive for it.
 */
function worker(cfg: { routes?: RouteConfig[]; timeoutMs?: number } = {}) {
  const config = parseConfig(JSON.stringify(cfg), `${O}/pagepace-sw.js`).config;
  const counters = createCounters();
  const l1 = createLru<Entry>(1 << 20);
  const l2 = mapTier();
  const clock = { now: 1_000_000 };
  const cache = createTieredCache(l1, l2, counters, () => clock.now);
  const pending: Array<Promise<unknown>> = [];
  const ctx: StrategyContext = {
    cache, counters, origin: O, preload: undefined, now: () => clock.now,
    waitUntil: (p) => void pending.push(p.catch(() => undefined)),
    offline: async () => new Response('offline page', { status: 503 }),
    clearSite: () => {
      cleared++;
      pending.push(cache.clear('all'));
    },
  };
  let cleared = 0;
  const decision = (url: string, facts: Partial<RequestFacts> = {}) =>
    decide({ url, method: 'GET', destination: '', mode: 'cors', range: false, ...facts }, config, O, new Map());
  return {
    l1, l2, counters, clock, decision,
    cleared: () => cleared,
    async serve(url: string, facts: Partial<RequestFacts> = {}) {
      const d = decision(url, facts);
      if (!d) throw new Error(`${url} is not handled`);
      return STRATEGIES[d.strategy](new Request(url), d, ctx);
    },
    async settle() {
      while (pending.length) await Promise.all(pending.splice(0));
    },
  };
}

/** A fake origin: `fetch` answers with `bodies` in turn (a function may delay, fail or set headers). */
function origin(...answers: Array<string | (() => Promise<Response>)>) {
  const calls: string[] = [];
  const fn = vi.fn(async (req: Request | string) => {
    calls.push(typeof req === 'string' ? req : req.url);
    const a = answers.length > 1 ? answers.shift()! : answers[0]!;
    return typeof a === 'string' ? new Response(a, { headers: { 'content-type': 'text/plain' } }) : a();
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}
const later = (ms: number, body: string, status = 200) => () => new Promise<Response>((r) => setTimeout(() => r(new Response(body, { status })), ms));
const offline = () => Promise.reject(new TypeError('Failed to fetch'));
/** A network answer held back until `release()`: what a strategy does meanwhile cannot depend on timing. */
function held(body: string) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { answer: () => gate.then(() => new Response(body)), release: () => release() };
}

afterEach(() => vi.unstubAllGlobals());

describe('network-first', () => {
  const feed = `${O}/api/feed`;
  const routes: RouteConfig[] = [{ pattern: '/api/feed', strategy: 'network-first', timeoutMs: 40, fallbackOn: ['timeout', '5xx'] }];

  it('answers from the network and stores what it got', async () => {
    const w = worker({ routes });
    origin('v1');
    expect(await (await w.serve(feed)).text()).toBe('v1');
    await w.settle();
    expect([...w.l2.map.keys()]).toEqual([feed]);
  });

  it('past the timeout, answers from the cache; the late answer still refreshes the cache', async () => {
    const w = worker({ routes });
    origin('v1');
    await w.serve(feed);
    await w.settle();
    const v2 = held('v2');
    origin(v2.answer);
    const t0 = performance.now();
    const res = await w.serve(feed); // the network has not answered at all
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35); // it was given its 40 ms
    expect(await res.text()).toBe('v1');
    v2.release();
    await w.settle(); // the late network answer arrives and is stored
    origin(offline);
    expect(await (await w.serve(feed)).text()).toBe('v2');
  });

  it('the timeout comes from the config when the route has none', async () => {
    const w = worker({ routes: [{ pattern: '/api/feed', strategy: 'network-first', fallbackOn: ['timeout'] }], timeoutMs: 30 });
    expect(w.decision(feed)).toMatchObject({ strategy: 'network-first', timeoutMs: 30 });
  });

  it('with nothing cached, waits past the timeout for the network', async () => {
    const w = worker({ routes });
    origin(later(120, 'slow'));
    expect(await (await w.serve(feed)).text()).toBe('slow');
  });

  it('by default, waits for a slow answer and shows a 5xx: the copy is only for a network failure', async () => {
    const w = worker({ routes: [{ pattern: '/api/feed', strategy: 'network-first' }], timeoutMs: 30 });
    expect(w.decision(feed)).toMatchObject({ timeoutMs: 0, on5xx: false });
    origin('v1');
    await w.serve(feed);
    await w.settle();
    origin(later(120, 'slow'));
    expect(await (await w.serve(feed)).text()).toBe('slow');
    await w.settle();
    origin(later(0, 'broken', 503));
    const res = await w.serve(feed);
    expect([res.status, await res.text()]).toEqual([503, 'broken']);
    origin(offline);
    expect(await (await w.serve(feed)).text()).toBe('slow');
  });

  it('the built-in navigation route falls back only on a network failure', () => {
    const w = worker();
    expect(w.decision(`${O}/account`, { mode: 'navigate', destination: 'document' })).toMatchObject({ strategy: 'network-first', timeoutMs: 0, on5xx: false });
  });

  it('when the network fails or answers 5xx, answers from the cache', async () => {
    const w = worker({ routes });
    origin('v1');
    await w.serve(feed);
    await w.settle();
    origin(offline);
    const res = await w.serve(feed);
    expect([res.status, await res.text()]).toEqual([200, 'v1']);
    origin(later(0, 'broken', 503));
    expect(await (await w.serve(feed)).text()).toBe('v1');
    await w.settle();
    expect(w.counters.snapshot()).toMatchObject({ refused: { status: 1 }, tiers: { network: { misses: 1 } } });
    expect(w.l2.map.get(feed)!.body.byteLength).toBe(2); // the 503 did not replace the copy
  });

  it('a failed navigation with nothing cached gets the offline page; other requests a network error', async () => {
    const w = worker({ routes });
    origin(offline);
    const page = await w.serve(`${O}/page`, { mode: 'navigate', destination: 'document' });
    expect([page.status, await page.text()]).toEqual([503, 'offline page']);
    expect(w.counters.snapshot().offline).toBe(1);
    expect((await w.serve(feed)).type).toBe('error');
  });
});

describe('stale-while-revalidate', () => {
  const feed = `${O}/api/feed`;

  it('answers from the cache at once and refreshes it in the background: the next read sees the new body', async () => {
    const w = worker({ routes: [{ pattern: '/api/feed', strategy: 'stale-while-revalidate' }] });
    const calls = origin('v1');
    expect(await (await w.serve(feed)).text()).toBe('v1'); // nothing cached: the network
    await w.settle();
    const v2 = held('v2');
    origin(v2.answer);
    expect(await (await w.serve(feed)).text()).toBe('v1'); // the cached copy, while the network has not answered
    v2.release();
    await w.settle();
    origin('v3');
    expect(await (await w.serve(feed)).text()).toBe('v2');
    await w.settle();
    expect(await (await w.serve(feed)).text()).toBe('v3');
    expect(calls).toEqual([feed]);
    expect(w.counters.snapshot().tiers.l1.hits).toBe(3);
  });

  it('within the route TTL it does not go to the network at all', async () => {
    const w = worker({ routes: [{ pattern: '/api/feed', strategy: 'stale-while-revalidate', ttlMs: 60_000 }] });
    const calls = origin('v1');
    await w.serve(feed);
    await w.settle();
    w.clock.now += 59_000;
    expect(await (await w.serve(feed)).text()).toBe('v1');
    await w.settle();
    expect(calls).toHaveLength(1);
    w.clock.now += 2_000;
    await w.serve(feed);
    await w.settle();
    expect(calls).toHaveLength(2);
  });

  it('a failed background refresh keeps the cached copy', async () => {
    const w = worker({ routes: [{ pattern: '/api/feed', strategy: 'stale-while-revalidate' }] });
    origin('v1');
    await w.serve(feed);
    await w.settle();
    origin(offline);
    expect(await (await w.serve(feed)).text()).toBe('v1');
    await w.settle();
    expect(await (await w.serve(feed)).text()).toBe('v1');
  });
});

describe('network-only', () => {
  it('goes to the network every time and never stores, even a cacheable 200', async () => {
    const w = worker({ routes: [{ pattern: '/live/', strategy: 'network-only' }] });
    const url = `${O}/live/app.js`;
    // A route takes the request from the built-in cache-first route for scripts.
    expect(w.decision(url, { destination: 'script' })).toMatchObject({ strategy: 'network-only' });
    let n = 0;
    const calls = origin(async () => new Response(String(++n), { headers: { 'cache-control': 'public, max-age=3600', etag: '"e"' } }));
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) bodies.push(await (await w.serve(url, { destination: 'script' })).text());
    await w.settle();
    expect(bodies).toEqual(['1', '2', '3']);
    expect(calls).toHaveLength(3);
    expect([w.l1.size, w.l2.map.size]).toEqual([0, 0]);
  });
});

describe('default routes', () => {
  it('same-origin fonts are cache-first: fetched once, then from L1, then from L2', async () => {
    const w = worker();
    const url = `${O}/fonts/inter.woff2`;
    expect(w.decision(url, { destination: 'font' })).toMatchObject({ strategy: 'cache-first', ttlMs: 24 * 3600_000 });
    const calls = origin(async () => new Response(new Uint8Array([119, 79, 70, 50]), { headers: { 'content-type': 'font/woff2' } }));
    for (let i = 0; i < 2; i++) {
      const res = await w.serve(url, { destination: 'font' });
      expect([res.headers.get('content-type'), new Uint8Array(await res.arrayBuffer()).length]).toEqual(['font/woff2', 4]);
      await w.settle();
    }
    w.l1.clear();
    await w.serve(url, { destination: 'font' });
    expect(calls).toEqual([url]);
    expect(w.counters.snapshot().tiers).toMatchObject({ l1: { hits: 1 }, l2: { hits: 1 }, network: { hits: 1 } });
    // Another origin's fonts are left to the browser.
    expect(w.decision('https://fonts.example/inter.woff2', { destination: 'font' })).toBeUndefined();
  });
});

describe('cache-first', () => {
  const routes: RouteConfig[] = [{ pattern: '/api/', strategy: 'cache-first' }];

  it('a second request while the first answer is still being copied waits for the copy: one network fetch', async () => {
    const w = worker({ routes });
    const calls = origin('v1', 'v2');
    const url = `${O}/api/config`;
    // No settle() between them: the copy of the first answer is still being read when the second comes.
    const first = await w.serve(url);
    const second = await w.serve(url);
    expect([await first.text(), await second.text()]).toEqual(['v1', 'v1']);
    expect(calls).toEqual([url]);
    expect(w.counters.snapshot().tiers).toMatchObject({ l1: { hits: 1 }, network: { hits: 1 } });
  });

  it('the wait ends when the copy is in L1, not when the IndexedDB write finishes', async () => {
    const w = worker({ routes });
    w.l2.put = () => new Promise<boolean>(() => undefined); // an L2 write that never completes
    const calls = origin('v1', 'v2');
    const url = `${O}/api/slow-l2`;
    await w.serve(url);
    const t0 = performance.now();
    const second = await w.serve(url);
    expect(performance.now() - t0).toBeLessThan(STORE_WAIT_MS / 2);
    expect(await second.text()).toBe('v1');
    expect(calls).toEqual([url]);
  });

  it('a copy that never finishes holds the next request back at most STORE_WAIT_MS, then it goes to the network', async () => {
    const w = worker({ routes });
    const url = `${O}/api/stream`;
    // A body that never ends (a long poll): its copy is never stored.
    const calls = origin(async () => new Response(new ReadableStream({ start: () => undefined })), 'v2');
    await w.serve(url);
    const t0 = performance.now();
    const second = await w.serve(url);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(STORE_WAIT_MS - 10);
    expect(performance.now() - t0).toBeLessThan(STORE_WAIT_MS + 500);
    expect(await second.text()).toBe('v2');
    expect(calls).toEqual([url, url]);
  });
});

describe('what a route may opt into', () => {
  const url = `${O}/private/me`;
  const routes: RouteConfig[] = [{ pattern: '/private/', strategy: 'cache-first', cacheAlways: true }];

  it('cacheAlways stores what the default policy refuses (no-store, private, non-200)', async () => {
    const w = worker({ routes });
    origin(async () => new Response('mine', { status: 404, headers: { 'cache-control': 'private, no-store' } }));
    await w.serve(url);
    await w.settle();
    expect(w.l2.map.get(url)?.meta.status).toBe(404);
  });

  it('an opaque response is never stored, whatever the route says', async () => {
    const w = worker({ routes });
    origin(async () => Object.defineProperty(new Response(null, { status: 200 }), 'type', { value: 'opaque' }));
    await w.serve(url);
    await w.settle();
    expect(w.l2.map.size).toBe(0);
    expect(w.counters.snapshot().refused).toEqual({ opaque: 1 });
  });

  it('non-GET and range requests are never handled, whatever the route says', () => {
    const w = worker({ routes });
    expect(w.decision(url, { method: 'POST' })).toBeUndefined();
    expect(w.decision(url, { range: true })).toBeUndefined();
  });
});

describe('one user\'s response never reaches another', () => {
  const feed = `${O}/api/feed`;
  it('a response that varies on anything but Accept-Encoding is never stored, even with cacheAlways', async () => {
    for (const cacheAlways of [false, true]) {
      const w = worker({ routes: [{ pattern: '/api/', strategy: 'stale-while-revalidate', cacheAlways }] });
      const calls = origin(async () => new Response('mine', { headers: { vary: 'Accept-Encoding, Cookie' } }));
      await w.serve(feed);
      await w.settle();
      await w.serve(feed);
      expect(calls).toHaveLength(2);
      expect([w.l1.size, w.l2.map.size]).toEqual([0, 0]);
      expect(w.counters.snapshot().refused).toEqual({ vary: 2 });
    }
  });

  it('a stored entry that varies per request (an older worker\'s) is a miss', async () => {
    const w = worker({ routes: [{ pattern: '/api/', strategy: 'cache-first' }] });
    const { toEntry } = await import('../entry');
    const e = await toEntry(new Response('alice', { headers: { vary: 'Cookie' } }), feed, 0);
    w.l2.map.set(feed, e);
    const { isEntry } = await import('../entry');
    expect(isEntry(e.meta, e.body)).toBe(false);
  });

  it('requests with Authorization are left to the browser unless the route says authorized', () => {
    const w = worker({ routes: [{ pattern: '/api/feed', strategy: 'stale-while-revalidate' }, { pattern: '/api/public', strategy: 'cache-first', authorized: true }] });
    expect(w.decision(feed, { auth: true })).toBeUndefined();
    expect(w.decision(`${O}/a.js`, { destination: 'script', auth: true })).toBeUndefined();
    expect(w.decision(`${O}/api/public`, { auth: true })).toMatchObject({ strategy: 'cache-first' });
    expect(w.decision(feed)).toMatchObject({ strategy: 'stale-while-revalidate' });
  });

  it('Clear-Site-Data: "cache" (or "*") empties both tiers, and that response is not stored', async () => {
    for (const value of ['"cache"', '"cookies", "*"']) {
      const w = worker({ routes: [{ pattern: '/', strategy: 'network-first' }] });
      origin('alice');
      await w.serve(`${O}/account`);
      await w.settle();
      expect(w.l2.map.size).toBe(1);
      origin(async () => new Response('bye', { headers: { 'clear-site-data': value } }));
      await w.serve(`${O}/logout`);
      await w.settle();
      expect([w.cleared(), w.l1.size, w.l2.map.size]).toEqual([1, 0, 0]);
    }
  });

  it('a response read before a clear is not stored after it', async () => {
    const w = worker({ routes: [{ pattern: '/', strategy: 'network-first' }] });
    const slow = held('alice');
    origin(slow.answer);
    const page = w.serve(`${O}/account`);
    const res = await Promise.race([page, new Promise<undefined>((r) => setTimeout(r, 20))]);
    expect(res).toBeUndefined();
    slow.release();
    const r = await page;
    // The clear comes while the body is still being read into an entry.
    const text = r.text();
    origin(async () => new Response('bye', { headers: { 'clear-site-data': '"cache"' } }));
    await w.serve(`${O}/logout`);
    await text;
    await w.settle();
    expect([w.l1.size, w.l2.map.size]).toEqual([0, 0]);
  });
});
