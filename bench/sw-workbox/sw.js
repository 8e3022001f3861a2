// The comparison worker for bench/sw.bench.mjs: what a site would write with Workbox for the same
// job as pagepace's defaults — same-origin scripts, styles, images and fonts CacheFirst, navigations
// NetworkFirst — plus the bench's fetch() probes under /bench/assets/ so the latency rows compare alike.
import { clientsClaim } from 'workbox-core';
import { registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';

self.skipWaiting();
clientsClaim();

const ASSETS = new Set(['script', 'style', 'image', 'font']);
registerRoute(
  ({ url, request }) => url.origin === self.location.origin && (ASSETS.has(request.destination) || url.pathname.includes('/bench/assets/')),
  new CacheFirst({ cacheName: 'bench-assets' }),
);
registerRoute(({ request }) => request.mode === 'navigate', new NetworkFirst({ cacheName: 'bench-pages', networkTimeoutSeconds: 3 }));
