// A realistic traffic mix for the demo dashboard: sessions browsing a shop over the last minutes,
// each page view with its vitals (log-normal, slower on some routes, CLS and INP reported again as
// they grow), pagepace's own overhead, and at the end of each session the `pagepace`/`stats`
// event with delivery, lazy-loading, prefetch and service-worker counters. Deterministic (seeded).
//
//   node demo/traffic.js http://127.0.0.1:4173 [sessions]   feeds a running demo server
import { fileURLToPath } from 'node:url';

/** Routes: share of views and how slow they are (a factor on every timing). */
const ROUTES = [
  ['/', 0.3, 1], ['/products', 0.2, 1.15], ['/products/:id', 0.22, 1.3], ['/search', 0.1, 1.1],
  ['/cart', 0.08, 1.2], ['/checkout', 0.05, 1.6], ['/blog', 0.05, 0.7],
];

/** Per route: the LCP element (selector, image) and the slow interaction (target, script). */
const ELEMENTS = {
  '/': ['main>section.hero>img', '/img/hero-home.jpg'], '/products': ['main>ul.grid>li>img', '/img/grid-1.jpg'],
  '/products/:id': ['main>div.gallery>img#main', '/img/product-large.jpg'], '/search': ['main>h1', ''],
  '/cart': ['main>table.cart', ''], '/checkout': ['main>form>div.summary', ''], '/blog': ['article>img.cover', '/img/blog-cover.jpg'],
};
const TARGETS = {
  '/': ['header>nav>button.menu', '/js/menu.js'], '/products': ['main>aside>input.filter', '/js/filters.js'],
  '/products/:id': ['main>button#add-to-cart', '/js/cart.js'], '/search': ['header>form>input#q', '/js/autocomplete.js'],
  '/cart': ['main>table.cart>tr>input.qty', '/js/cart.js'], '/checkout': ['main>form>button#pay', '/vendor/payments.js'], '/blog': ['article>button.share', '/js/share.js'],
};

/** mulberry32: a small seeded PRNG, so the mix is the same on every run. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The batches of `sessions` sessions spread over `spanMs` before `now`, as a site's pages send them.
 * @param {{ now?: number, sessions?: number, spanMs?: number, origin?: string, seed?: number }} [opts]
 * @returns {import('../src/core/types').Batch[]}
 */
export function realisticTraffic(opts = {}) {
  const { now = Date.now(), sessions = 560, spanMs = 8 * 60_000, origin = 'https://shop.example', seed = 42 } = opts;
  const rnd = prng(seed);
  /** Log-normal around `median`, spread `sigma`. */
  const logNormal = (median, sigma) => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()));
  const pick = () => {
    let r = rnd();
    for (const route of ROUTES) if ((r -= route[1]) <= 0) return route;
    return ROUTES[0];
  };
  const batches = [];
  for (let s = 0; s < sessions; s++) {
    const sessionId = [8, 4, 4].map((n) => Math.floor(rnd() * 16 ** n).toString(16).padStart(n, '0')).join('-');
    const phone = rnd() < 0.55;
    const device = phone ? 1.8 : 1; // phones are slower
    // The page view's context, as the client reports it once: viewport class and connection.
    const effectiveType = rnd() < (phone ? 0.25 : 0.05) ? '3g' : '4g';
    const net = effectiveType === '3g' ? 1.6 : 1;
    const context = { viewport: phone ? 'mobile' : rnd() < 0.2 ? 'tablet' : 'desktop', effectiveType };
    let ts = now - spanMs + (spanMs * s) / sessions;
    const views = 1 + Math.floor(logNormal(2, 0.6));
    let sent = 0;
    const pages = [];
    for (let v = 0; v < views && ts < now; v++) {
      const [route, , slow] = pick();
      const page = `${origin}${route.replace(':id', String(1 + Math.floor(rnd() * 40)))}`;
      pages.push(page);
      const k = slow * device * net;
      const ttfb = logNormal(180 * k, 0.6);
      const fcp = ttfb + logNormal(650 * k, 0.45);
      const lcp = fcp + logNormal(500 * k, 0.7);
      // LCP = time to first byte + resource load delay + load duration + element render delay.
      const [selector, image] = ELEMENTS[route];
      const load = image ? logNormal(300 * k * net, 0.8) : 0;
      const delay = image ? Math.max(0, (lcp - ttfb - load) * rnd() * 0.5) : 0;
      const render = Math.max(0, lcp - ttfb - load - delay);
      const lcpParts = { 'attribution.timeToFirstByte': Math.round(ttfb), 'attribution.resourceLoadDelay': Math.round(delay), 'attribution.resourceLoadDuration': Math.round(load), 'attribution.elementRenderDelay': Math.round(render), 'attribution.target': selector, ...(image ? { 'attribution.url': `${origin}${image}` } : {}) };
      const id = (n) => `v5-${Math.round(ts)}-${s}${v}${n}`;
      // Named by the route's pattern, as `pace.route('/products/:id')` would.
      const vital = (name, value, n, at = ts, attrs = {}) => ({ kind: 'vital', name, value: name === 'CLS' ? Math.round(value * 1000) / 1000 : Math.round(value), ...(name === 'CLS' ? {} : { unit: 'ms' }), ts: Math.round(Math.min(at, now)), id: id(n), attrs: { route, ...attrs } });
      const first = [
        vital('TTFB', ttfb, 't', ts, context), vital('FCP', fcp, 'f'), vital('LCP', lcpParts['attribution.timeToFirstByte'] + lcpParts['attribution.resourceLoadDelay'] + lcpParts['attribution.resourceLoadDuration'] + lcpParts['attribution.elementRenderDelay'], 'l', ts, lcpParts),
        { kind: 'overhead', name: 'overhead.cpu', value: Math.round(logNormal(3 * device, 0.5) * 10) / 10, unit: 'ms', ts: Math.round(ts) },
        ...(rnd() < 0.3 ? [{ kind: 'loaf', name: 'long-animation-frame', value: Math.round(50 + logNormal(40 * k, 0.6)), unit: 'ms', ts: Math.round(Math.min(ts + 800, now)) }] : []),
      ];
      ts = Math.min(now, ts + logNormal(25_000, 0.8));
      // CLS and INP: reported at the first hide, again with a bigger value at the last for some views.
      const cls = rnd() < 0.6 ? logNormal(0.03 * slow, 1.1) : 0;
      const inp = rnd() < 0.75 ? logNormal(110 * k, 0.6) : undefined;
      // INP = input delay + processing + presentation delay; the slow part is the route's handler.
      const [target, script] = TARGETS[route];
      const inpOf = (value) => {
        const input = Math.round(value * (0.1 + rnd() * 0.2));
        const processing = Math.round(value * (0.4 + rnd() * 0.3));
        const attrs = { 'attribution.inputDelay': input, 'attribution.processingDuration': processing, 'attribution.presentationDelay': Math.max(0, Math.round(value) - input - processing), 'attribution.interactionTarget': target, 'attribution.interactionType': 'pointer', ...(value > 150 ? { 'attribution.longestScript.sourceURL': `${origin}${script}`, 'attribution.longestScript.invokerType': 'event-listener' } : {}) };
        return [Math.round(value), attrs];
      };
      const [inpValue, inpAttrs] = inp ? inpOf(inp) : [];
      const last = [vital('CLS', cls, 'c'), ...(inp ? [vital('INP', inpValue, 'i', ts, inpAttrs)] : [])];
      const again = rnd() < 0.25 ? [vital('CLS', cls * 1.6 + 0.02, 'c', ts + 500), ...(inp ? [vital('INP', inp * 1.4, 'i', ts + 500, inpOf(inp * 1.4)[1])] : [])] : [];
      for (const events of [first, last, again]) {
        if (!events.length) continue;
        sent += events.length;
        batches.push({ v: 1, batchId: `${sessionId}-${batches.length}`, sessionId, page, sentAt: Math.round(events[0].ts), events });
      }
    }
    if (!pages.length) continue;
    // The session's running totals, with its last page.
    const lookups = 30 + Math.floor(rnd() * 120);
    const l1Hits = Math.round(lookups * (0.6 + rnd() * 0.3));
    const l2Hits = Math.round((lookups - l1Hits) * (0.3 + rnd() * 0.4));
    const sw = rnd() < 0.7 ? {
      'sw.l1Hits': l1Hits, 'sw.l1Misses': lookups - l1Hits, 'sw.l1P50': Math.round(logNormal(0.3, 0.4) * 10) / 10,
      'sw.l2Hits': l2Hits, 'sw.l2Misses': lookups - l1Hits - l2Hits, 'sw.l2P50': Math.round(logNormal(3.5, 0.4) * 10) / 10,
      'sw.networkHits': lookups - l1Hits - l2Hits, 'sw.networkMisses': rnd() < 0.05 ? 1 : 0, 'sw.networkP50': Math.round(logNormal(90 * device, 0.5)),
      'sw.l1Bytes': Math.round(logNormal(2.5e6, 0.5)), 'sw.l2Bytes': Math.round(logNormal(18e6, 0.5)), 'sw.l2Entries': Math.round(logNormal(300, 0.5)),
      'sw.evictions': rnd() < 0.15 ? 1 + Math.floor(rnd() * 6) : 0, 'sw.quotaErrors': 0, 'sw.notModified': Math.floor(rnd() * 6),
    } : {};
    const deferred = Math.floor(rnd() * 14);
    const neverNeeded = Math.floor(deferred * rnd() * 0.6);
    const prefetched = Math.floor(rnd() * 4);
    const hits = Math.min(prefetched, Math.floor(rnd() * 3));
    const attrs = {
      sent: sent + 1, dropped: rnd() < 0.03 ? 1 : 0, retried: rnd() < 0.08 ? 1 : 0,
      'lazy.loaded': 3 + deferred - neverNeeded, 'lazy.eager': 3, 'lazy.deferred': deferred, 'lazy.neverNeeded': neverNeeded, 'lazy.errors': 0, 'lazy.bytesSaved': neverNeeded * 48_000,
      'prefetch.prefetched': prefetched, 'prefetch.page': prefetched, 'prefetch.hits': hits, 'prefetch.bytes': prefetched * 38_000, 'prefetch.wastedBytes': (prefetched - hits) * 38_000,
      ...sw,
    };
    batches.push({ v: 1, batchId: `${sessionId}-stats`, sessionId, page: pages[pages.length - 1], sentAt: Math.round(ts), events: [{ kind: 'pagepace', name: 'stats', value: attrs.sent, ts: Math.round(Math.min(ts, now)), attrs }] });
  }
  return batches.sort((a, b) => a.sentAt - b.sentAt);
}

/** Posts batches to a collector endpoint (JSON). */
export async function postTraffic(endpoint, batches) {
  for (const batch of batches) {
    const res = await fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch) });
    if (!res.ok) throw new Error(`collector answered ${res.status}: ${await res.text()}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [base = 'http://127.0.0.1:4173', sessions = '560'] = process.argv.slice(2);
  const batches = realisticTraffic({ sessions: Number(sessions) });
  await postTraffic(new URL('/collect', base).href, batches);
  console.log(`posted ${batches.reduce((n, b) => n + b.events.length, 0)} events in ${batches.length} batches to ${base}/collect`);
}
