// One page view, as the wire sees it (issue 12): the same page, the same user actions, in the same
// run, interleaved — pagepace with its defaults (binary), pagepace with format 'json', and the
// anchor recipe (web-vitals plus one JSON sendBeacon at hide carrying the same events).
//
//   Wire: requests, body bytes and HTTP/1.1 request-header bytes per page view, counted at the server.
//   Hide batches: real events of those page views in batches of 10–50, pagepace's bytes vs JSON+gzip.
//   Hide time: main-thread time of pagepace's hide work at 4× CPU (a tab switch), p95.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { quantile, median } from './lib/stats.mjs';

export const name = 'pageview';

const GOAL = { requests: 2, bodyVsAnchor: 0.4, hideBatchVsGzip: 0.6, hideP95Ms: 1 };

/** The page every side shows: a hero, lazy images, links, a late banner, a click that works 80 ms. */
function page(head, { lazyMarkup }) {
  const img = (q) => (lazyMarkup ? `<img data-src="/img.svg?${q}" alt="${q}">` : `<img src="/img.svg?${q}" loading="lazy" alt="${q}">`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>page view</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:720px}#hero{font-size:3rem}img{display:block;width:320px;height:180px}.spacer{height:2500px}</style>
${head}</head><body>
<h1 id="hero">One page view</h1>${img('top')}
<p><button id="work">work</button> <a id="next" href="/blank.html?next">next page</a> <a href="/blank.html?other">other page</a></p>
<div class="spacer"></div>${img('below')}
<script type="module">
const track = (n, v, a) => (window.pace ? window.pace.track(n, v, a) : (window.__tracked ??= []).push({ kind: 'custom', name: n, value: v, ts: Date.now(), attrs: a }));
window.pace ??= window.PagePace?.instance;
track('pv:start', 1);
setTimeout(() => { const p = document.createElement('p'); p.id = 'banner'; p.style.height = '60px'; p.textContent = 'A late banner.'; document.body.prepend(p); }, 200);
document.getElementById('work').addEventListener('click', () => { const end = performance.now() + 80; while (performance.now() < end); track('pv:click', 1, { button: 'work' }); track('pv:done', 2); });
</script></body></html>`;
}

const SIDES = {
  // The floor of any hide-time send: one listener handing a prebuilt 1 KB body to the browser.
  floor: page(`<script>
const body = new Blob([new Uint8Array(1024).map((_, i) => i * 7)], { type: 'application/octet-stream' });
addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && (window.fetchLater ? fetchLater('/collect', { method: 'POST', body, activateAfter: 0 }) : navigator.sendBeacon('/collect', body)));
</script>`, { lazyMarkup: false }),
  binary: page('<script src="/dist/pagepace.iife.js" data-endpoint="/collect"></script>', { lazyMarkup: true }),
  json: page('<script src="/dist/pagepace.iife.js" data-endpoint="/collect" data-format="json"></script>', { lazyMarkup: true }),
  // web-vitals' README recipe: queue the metrics, one sendBeacon of JSON when the page is hidden.
  // It carries the same non-vital events pagepace sent in the same iteration (window.__same).
  anchor: page(`<script type="module">
import { onCLS, onFCP, onINP, onLCP, onTTFB } from '/vendor/web-vitals.js';
const queue = new Set();
const add = (m) => queue.add({ name: m.name, value: m.value, rating: m.rating, delta: m.delta, id: m.id, navigationType: m.navigationType });
for (const on of [onCLS, onFCP, onINP, onLCP, onTTFB]) on(add);
addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'hidden') return;
  const body = JSON.stringify([...queue, ...(window.__tracked ?? []), ...(window.__same ?? [])]);
  queue.clear(); window.__tracked = []; window.__same = [];
  navigator.sendBeacon('/collect', body);
});
</script>`, { lazyMarkup: false }),
};

export async function startServer(root, decode) {
  const requests = [];
  const vitals = await readFile(join(root, 'node_modules/web-vitals/dist/web-vitals.js'));
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180"><rect width="320" height="180" fill="#1f6feb"/></svg>';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/collect') {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = Buffer.concat(chunks);
      const head = `${req.method} ${req.url} HTTP/1.1\r\n`.length + req.rawHeaders.reduce((s, v) => s + v.length + 2, 0) + 2; // "name: value\r\n", then the blank line
      const type = req.headers['content-type'] ?? '';
      let events = [];
      try {
        events = type.includes('pagepace+binary') ? (await decode(new Uint8Array(body))).events : [].concat(JSON.parse(body.toString()).events ?? JSON.parse(body.toString()));
      } catch {
        // not a batch (a page asset): counted, with no events
      }
      requests.push({ bytes: body.length, head, type, events });
      return res.writeHead(204, { 'Access-Control-Allow-Origin': '*' }).end();
    }
    if (url.pathname.startsWith('/dist/')) {
      const b = await readFile(join(root, url.pathname)).catch(() => null);
      if (!b) return res.writeHead(404).end();
      return res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(b);
    }
    if (url.pathname === '/vendor/web-vitals.js') return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(vitals);
    if (url.pathname === '/img.svg') return res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end(svg);
    if (url.pathname === '/blank.html') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>blank</title><p>no pagepace here');
    const side = SIDES[url.pathname.slice(1).replace('.html', '')];
    if (side) return res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(side);
    res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) };
}

/** Load, the banner's shift, a painted click, a scroll to the lazy image, leave: what reaches the server. */
export async function pageView(browser, srv, side, same) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const p = await context.newPage();
  const from = srv.requests.length;
  try {
    if (same) await p.addInitScript((s) => (window.__same = s), same);
    await p.goto(`${srv.url}/${side}.html`);
    await p.waitForSelector('#banner');
    await p.waitForTimeout(300);
    await p.click('#work');
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
    await p.mouse.wheel(0, 3000);
    await p.waitForTimeout(500);
    await p.goto(`${srv.url}/blank.html`);
    await p.waitForTimeout(1500); // beacons and deferred requests land
  } finally {
    await context.close();
  }
  await new Promise((r) => setTimeout(r, 300));
  return srv.requests.slice(from);
}

/** Main-thread time of pagepace's work when the tab is hidden, at 4× CPU. */
async function hideTime(browser, srv, side = 'binary') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const p = await context.newPage();
  try {
    await p.goto(`${srv.url}/${side}.html`);
    await p.waitForSelector('#banner');
    await p.click('#work');
    await p.mouse.wheel(0, 3000);
    if (side === 'binary') await p.waitForFunction(() => window.pace?.stats().outbox === 'indexeddb', null, { timeout: 15_000 });
    await p.waitForTimeout(800); // the open batch has been registered with fetchLater
    const cdp = await context.newCDPSession(p);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    return await p.evaluate(() => new Promise((resolve) => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      const t0 = performance.now();
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
      const sync = performance.now() - t0;
      // Microtasks queued at the hide run before a message task; this measures through them.
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve({ sync, total: performance.now() - t0 });
      ch.port2.postMessage(0);
    }));
  } finally {
    await context.close();
  }
}

const perView = (reqs) => ({ requests: reqs.length, body: reqs.reduce((s, r) => s + r.bytes, 0), head: reqs.reduce((s, r) => s + r.head, 0), events: reqs.reduce((s, r) => s + r.events.length, 0) });

export async function run({ root, quick, log, browser }) {
  const protocol = await import(pathToFileURL(join(root, 'dist', 'protocol.js')).href);
  const srv = await startServer(root, protocol.decodeBatch);
  const b = await browser();
  const runs = quick ? 3 : 10;
  const views = { binary: [], json: [], anchor: [] };
  const pool = [];
  const hides = [];
  const floors = [];
  try {
    for (let i = 0; i < runs; i++) {
      const bin = await pageView(b, srv, 'binary');
      views.binary.push(bin);
      const events = bin.flatMap((r) => r.events);
      pool.push(events);
      views.json.push(await pageView(b, srv, 'json'));
      // The anchor carries the same events pagepace sent, less the vitals and tracked events it records itself.
      const same = events.filter((e) => e.kind !== 'vital' && e.kind !== 'custom');
      views.anchor.push(await pageView(b, srv, 'anchor', same));
      log(`pageview: ${i + 1}/${runs}`);
    }
    for (let i = 0; i < (quick ? 5 : 20); i++) {
      hides.push(await hideTime(b, srv));
      floors.push(await hideTime(b, srv, 'floor'));
    }
  } finally {
    await srv.close();
  }
  const m = Object.fromEntries(Object.entries(views).map(([k, v]) => {
    const per = v.map(perView);
    return [k, { requests: median(per.map((x) => x.requests)), maxRequests: Math.max(...per.map((x) => x.requests)), body: median(per.map((x) => x.body)), head: median(per.map((x) => x.head)), events: median(per.map((x) => x.events)), types: [...new Set(v.flat().map((r) => r.type.split(';')[0]))] }];
  }));

  // Hide-time batches of 10–50 real events: consecutive events of one page view, as a batch would hold them.
  const flat = pool.flat();
  const sizes = [10, 20, 30, 40, 50];
  const ratio = sizes.map((n) => {
    const rs = [];
    for (let at = 0; at + n <= flat.length; at += n) {
      const batch = { v: 1, batchId: `b${at}`, sessionId: 's-bench', page: 'http://127.0.0.1/binary.html', sentAt: Date.now(), events: flat.slice(at, at + n) };
      rs.push(protocol.encodeBatchSync(batch, { deflate: 'auto' }).length / gzipSync(JSON.stringify(batch)).length);
    }
    return { n, batches: rs.length, median: median(rs), max: Math.max(...rs) };
  });
  const hideP95 = quantile(hides.map((h) => h.total), 0.95);
  const bodyRatio = m.binary.body / m.anchor.body;
  const goals = [
    [`≤ ${GOAL.requests} requests per page view (pagepace binary, worst run)`, m.binary.maxRequests <= GOAL.requests, `${m.binary.maxRequests} (median ${m.binary.requests})`],
    ['every request binary with the default format', m.binary.types.length === 1 && m.binary.types[0] === 'application/vnd.pagepace+binary', m.binary.types.join(', ')],
    [`body bytes ≤ ${GOAL.bodyVsAnchor}× the anchor recipe's`, bodyRatio <= GOAL.bodyVsAnchor, `${bodyRatio.toFixed(2)}× (${m.binary.body} B vs ${m.anchor.body} B)`],
    [`hide-time batches of 10–50 real events ≤ ${GOAL.hideBatchVsGzip}× JSON+gzip (worst size, median)`, Math.max(...ratio.map((r) => r.median)) <= GOAL.hideBatchVsGzip, ratio.map((r) => `${r.n}: ${r.median.toFixed(2)}×`).join(', ')],
    [`main-thread time at hide ≤ ${GOAL.hideP95Ms} ms p95 at 4× CPU`, hideP95 <= GOAL.hideP95Ms, `${hideP95.toFixed(2)} ms (median ${median(hides.map((h) => h.total)).toFixed(2)} ms, ${hides.length} hides)`],
  ];
  const label = { binary: 'pagepace, defaults (binary)', json: "pagepace, format 'json'", anchor: 'anchor: web-vitals + one JSON sendBeacon' };
  const markdown = [
    `${runs} page views a side, interleaved, fresh context each (Chromium): load, a layout shift, a click (80 ms of work), a scroll to a lazy image, then a navigation to a page without pagepace. Counted at the server: requests to /collect, body bytes, HTTP/1.1 request-header bytes as received (request line and headers; HTTP/2 would compress them). The anchor carries its own vitals and tracked events plus pagepace's other events of the same iteration. Medians.`,
    '', '| side | requests (max) | body bytes | header bytes | events | content types |', '|---|---:|---:|---:|---:|---|',
    ...Object.entries(m).map(([k, x]) => `| ${label[k]} | ${x.requests} (${x.maxRequests}) | ${x.body} | ${x.head} | ${x.events} | ${x.types.join(', ')} |`),
    '', `Hide-time batches from the binary page views' ${flat.length} real events, consecutive, pagepace binary (encodeBatchSync, deflate 'auto') ÷ gzip(JSON):`,
    '', '| events | batches | median | worst |', '|---:|---:|---:|---:|', ...ratio.map((r) => `| ${r.n} | ${r.batches} | ${r.median.toFixed(2)}× | ${r.max.toFixed(2)}× |`),
    '', `Main-thread time of a tab switch's hide at 4× CPU (dispatch of visibilitychange through its microtasks), ${hides.length} runs: median ${median(hides.map((h) => h.total)).toFixed(2)} ms, p95 ${hideP95.toFixed(2)} ms (listeners alone p95 ${quantile(hides.map((h) => h.sync), 0.95).toFixed(2)} ms). The floor, interleaved — a page whose only hide listener hands a prebuilt 1 KB body to fetchLater: median ${median(floors.map((h) => h.total)).toFixed(2)} ms, p95 ${quantile(floors.map((h) => h.total), 0.95).toFixed(2)} ms.`,
    '', ...goals.map(([g, ok, v]) => `- **${ok ? 'PASS' : 'MISS'}** ${g}: ${v}`),
  ].join('\n');
  return { markdown, json: { runs, sides: m, ratio, hides, floors, goals, views: Object.fromEntries(Object.entries(views).map(([k, v]) => [k, v.map(perView)])) } };
}
