// The pagepace service worker, built to dist/pagepace-sw.js. Configuration comes from the `config`
// query parameter of its script URL (see sw/config.ts), so it is known at install time.
import { parseConfig } from './config';
import { toResponse } from './entry';
import { handleMessage } from './messages';
import { OUTBOX_SYNC_TAG, replayOutbox } from './outbox';
import { cleanup, precacheMap, warm } from './precache';
import { decide, precacheKey } from './router';
import type { SwStats } from './stats';
import { createCounters } from './stats';
import type { StrategyContext } from './strategies/context';
import { STRATEGIES } from './strategies';
import { createTieredCache } from './tiers';
import type { Entry } from './entry';
import { createIdbTier } from './tiers/idb';
import { createLru } from './tiers/memory';

declare const self: ServiceWorkerGlobalScope;

const started = Date.now();
const { config, problems } = parseConfig(new URL(self.location.href).searchParams.get('config'), self.location.href);
const origin = self.location.origin;
const precached = precacheMap(config);
const counters = createCounters();
const l1 = createLru<Entry>(config.l1Bytes);
const cache = createTieredCache(l1, createIdbTier(config.l2Bytes), counters);
const clearOn = config.clearOn.map((p) => new RegExp(p));

/** A logout: both tiers, precache included, then the precache again, fetched with the new credentials. */
const clearSite = (waitUntil: (p: Promise<unknown>) => void) => {
  counters.cleared();
  waitUntil(cache.clear('all').then(() => warm(precached, cache)));
};

const OFFLINE_HTML = '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Offline</title><p>You are offline, and this page has not been saved for offline use.</p>';

const offline = async (): Promise<Response> => {
  if (config.offlineUrl) {
    const e = await cache.lookup(precacheKey(config.offlineUrl, precached.get(config.offlineUrl) ?? ''));
    if (e) return toResponse(e);
  }
  return new Response(OFFLINE_HTML, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } });
};

self.addEventListener('install', (event) => {
  event.waitUntil(warm(precached, cache).then((failed) => {
    for (const url of failed) problems.push(`precache failed: ${url}`);
  }));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(Promise.all([
    cleanup(precached, cache).catch(() => 0),
    // Navigations are network-first: preload starts the request while the worker boots. Not in
    // Gecko: Firefox (ESR 153 still) fails a navigation whose preload request fails at the network,
    // whatever the worker answers, so an offline navigation got the browser's error page instead
    // of the stored copy (Workbox #3134; repro: e2e/engines/repros/firefox-navigation-preload.mjs).
    // There the worker fetches navigations itself; disable() also undoes an earlier version's enable().
    (/\bFirefox\//.test(self.navigator.userAgent)
      ? self.registration.navigationPreload?.disable()
      : self.registration.navigationPreload?.enable())?.catch(() => undefined),
    self.clients.claim(),
  ]));
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const waitUntil = (p: Promise<unknown>) => event.waitUntil(p.catch(() => undefined));
  // Emptied before the logout request goes on, whatever its method, so nothing stored can answer after it.
  if (clearOn.some((r) => r.test(req.url))) clearSite(waitUntil);
  let d;
  try {
    // Chromium bug: DevTools issues only-if-cached requests that fail outside same-origin mode.
    if (req.cache === 'only-if-cached' && req.mode !== 'same-origin') return;
    d = decide({ url: req.url, method: req.method, destination: req.destination, mode: req.mode, range: req.headers.has('range'), auth: req.headers.has('authorization') }, config, origin, precached);
  } catch {
    counters.error();
    return;
  }
  // Unhandled requests go to the browser's own network stack: no cost, nothing to break.
  if (!d || d.strategy === 'network-only') return;
  const ctx: StrategyContext = {
    cache, counters, origin, offline, waitUntil,
    // Clear-Site-Data: "cache", where the engine lets the worker see it (Chromium does not).
    clearSite: () => clearSite(waitUntil),
    preload: d.navigate ? (event.preloadResponse as Promise<Response | undefined>) : undefined,
    now: Date.now,
  };
  const navigate = d.navigate;
  event.respondWith(STRATEGIES[d.strategy](req, d, ctx).catch(async () => {
    // Whatever failed inside, the page gets what the network gives it. If the network answers, the
    // failure was ours and is counted; if not, it was just the network.
    try {
      const res = await fetch(req);
      counters.error();
      return res;
    } catch (e) {
      if (!navigate) throw e;
      counters.offline();
      return offline();
    }
  }));
});

self.addEventListener('message', (event) => {
  const port = event.ports[0];
  event.waitUntil(handleMessage(event.data, {
    cache,
    stats,
    skipWaiting: () => self.skipWaiting(),
  }).then((reply) => {
    if (reply) port?.postMessage(reply);
  }));
});

async function stats(): Promise<SwStats> {
  const l2 = await cache.l2.stats();
  return {
    scriptURL: self.location.href,
    since: started,
    ...counters.snapshot(),
    l1: { bytes: l1.bytes, entries: l1.size, evictions: l1.evictions, budget: config.l1Bytes },
    l2,
    problems: [...problems],
  };
}

// Background Sync: deliver what pages left in the outbox once the browser is online again, even if
// no page of the site is open. A rejection tells the browser to try the sync again later.
self.addEventListener('sync', (event: Event) => {
  const e = event as ExtendableEvent & { tag?: string };
  if (e.tag !== OUTBOX_SYNC_TAG) return;
  e.waitUntil(replayOutbox().then((r) => {
    if (r.failed) throw new Error(`pagepace: ${r.failed} outbox batches could not be sent yet`);
  }));
});
