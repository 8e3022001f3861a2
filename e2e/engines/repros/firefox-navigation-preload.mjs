// Firefox bug, minimal repro (no pagepace): with navigation preload enabled, a navigation whose
// preload request fails at the network (the server resets the connection) fails with
// NS_ERROR_NET_RESET, though the worker catches the preloadResponse rejection and answers with a
// Response of its own. Without navigation preload, the same worker's answer is shown.
// Seen in Firefox ESR 153.8 (also reported for Firefox 107: GoogleChrome/workbox#3134).
// pagepace's worker therefore does not enable navigation preload in Firefox (sw/index.ts).
//
//   node e2e/engines/repros/firefox-navigation-preload.mjs            # without preload: from the worker
//   node e2e/engines/repros/firefox-navigation-preload.mjs preload    # with preload: FAILED
import http from 'node:http';
import puppeteer from 'puppeteer-core';
const preload = process.argv[2] === 'preload';
let offline = false;
const sw = `
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil((async () => { ${preload ? 'await self.registration.navigationPreload.enable();' : ''} await clients.claim(); })()));
self.addEventListener('fetch', (e) => {
  if (e.request.mode !== 'navigate') return;
  e.respondWith((async () => {
    try {
      ${preload ? 'const r = await e.preloadResponse; if (r) return r;' : ''}
      return await fetch(e.request);
    } catch (err) {
      return new Response('<title>from the worker</title>', { headers: { 'content-type': 'text/html' } });
    }
  })());
});`;
const server = http.createServer((req, res) => {
  if (offline) return void req.socket.destroy();
  if (req.url === '/sw.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(sw);
  res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>from the network</title><script>navigator.serviceWorker.register('/sw.js')</script>`);
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${server.address().port}/page`;
const b = await puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true });
const p = await b.newPage();
await p.goto(url);
await p.evaluate(() => navigator.serviceWorker.ready);
await p.goto(url); // controlled now
console.log('controlled:', await p.evaluate(() => !!navigator.serviceWorker.controller), 'title:', await p.title());
offline = true;
try {
  await p.goto(url);
  console.log(preload ? 'with preload:' : 'without preload:', 'offline navigation ->', await p.title());
} catch (err) {
  console.log(preload ? 'with preload:' : 'without preload:', 'offline navigation FAILED:', String(err.message).split('\n')[0].slice(0, 160));
}
// Does the page see the worker's answer anyway (BiDi error vs real failure)?
try { console.log('title after:', await p.title(), p.url()); } catch (e) { console.log('title after: error', String(e).slice(0, 100)); }
await b.close(); server.close();
