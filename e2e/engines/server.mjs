// The engine suite's server: the built client (/dist/, /pagepace-sw.js), the scenario pages
// (/e/), a cookie-login site (/u/), zone.js's bundle (/zone.js), a real collector (/collect, with a 503 switch), web-vitals' chunks held back on request, small assets that count their requests,
// and /result, where the pages report what they found. Listens on 127.0.0.1, port 0; a second
// port is "the CDN", another origin serving the same files (pages write it as %CDN%).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCollector } from '../../dist/collector.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const pagesDir = join(here, 'pages');
const dist = join(root, 'dist');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml' };
/** The strict policy of csp*.html: no inline script, no eval, no blob: workers. */
export const STRICT_CSP = "script-src 'self'; worker-src 'self'";
/** tt*.html: the same, with Speculation Rules allowed, and Trusted Types enforced with the policy `pagepace` allowed. */
export const TRUSTED_TYPES_CSP = "script-src 'self' 'inline-speculation-rules'; worker-src 'self'; require-trusted-types-for 'script'; trusted-types pagepace";

const svg = (w, h, hue) => `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="hsl(${hue} 60% 60%)"/></svg>`;

export async function startServer() {
  /** @type {Array<{ batch: any, meta: any }>} */
  const batches = [];
  /** @type {Array<{ path: string, method: string, purpose?: string, cdn: boolean, t: number }>} */
  const requests = [];
  /** @type {Map<string, unknown[]>} key → values reported by pages, in order. */
  const results = new Map();
  const state = { refuse: 0, offline: false, holdVitals: false };
  const collector = createCollector({ onBatch: (batch, meta) => void batches.push({ batch, meta }) });

  const send = (res, status, type, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache', ...headers });
    res.end(body);
  };
  let cdnOrigin = ''; // set once the second port listens; pages are read later
  const handler = (cdn) => async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    requests.push({ path: path + url.search, method: req.method, purpose: req.headers['sec-purpose'] ?? req.headers.purpose, cdn, t: Date.now() });
    // "Offline": every request fails at the network level, as when the connection is gone.
    if (state.offline) return void req.socket.destroy();
    try {
      if (path === '/collect') {
        if (req.method === 'POST' && state.refuse > 0) {
          state.refuse--;
          req.resume();
          return send(res, 503, 'text/plain', 'refused by the suite');
        }
        return collector(req, res);
      }
      if (path === '/result' && req.method === 'POST') {
        let body = '';
        for await (const c of req) body += c;
        const { key, value } = JSON.parse(body);
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(value);
        return send(res, 204, 'text/plain', '');
      }
      // A cookie-login site (the service-worker privacy scenario): every page names its user in its title.
      if (path.startsWith('/u/')) {
        const user = /(?:^|;\s*)user=(\w+)/.exec(req.headers.cookie ?? '')?.[1] ?? 'nobody';
        const page = (title, headers) => send(res, 200, 'text/html; charset=utf-8', `<!doctype html><title>${title}</title><p>${title}</p>`, headers);
        if (path === '/u/login') return page('welcome', { 'Set-Cookie': `user=${url.searchParams.get('user')}; Path=/; HttpOnly; SameSite=Lax`, 'Cache-Control': 'no-store' });
        if (path === '/u/logout') return page('bye', { 'Set-Cookie': 'user=; Path=/; Max-Age=0', 'Cache-Control': 'no-store', 'Clear-Site-Data': '"cache"' });
        // The user's page, as it should be served; and one from a server that forgets Vary: Cookie.
        if (path === '/u/account') return page(`account of ${user}`, { Vary: 'Cookie' });
        if (path === '/u/home') return page(`home of ${user}`);
      }
      if (path === '/zone.js') return send(res, 200, 'text/javascript', await readFile(join(root, 'node_modules', 'zone.js', 'bundles', 'zone.umd.js')));
      if (path === '/pagepace-sw.js') return send(res, 200, 'text/javascript', await readFile(join(dist, 'pagepace-sw.js')), { 'Service-Worker-Allowed': '/' });
      if (path.startsWith('/img/')) return send(res, 200, 'image/svg+xml', svg(Number(url.searchParams.get('w')) || 600, Number(url.searchParams.get('h')) || 300, path.length * 37 % 360), { 'Cache-Control': 'max-age=600' });
      if (path.startsWith('/asset/')) return send(res, 200, 'text/javascript', `window.assetRuns = (window.assetRuns || 0) + 1; // ${path}`, { 'Cache-Control': 'max-age=600' });
      // Held: web-vitals' chunks come late (at most 10 s), so a page can be left before pagepace has them.
      for (let t = 0; state.holdVitals && /web-vitals|attribution/.test(path) && t < 100; t++) await new Promise((r) => setTimeout(r, 100));
      const [dir, base] = path.startsWith('/dist/') ? [dist, path.slice(6)] : path.startsWith('/e/') ? [pagesDir, path.slice(3)] : [];
      if (dir) {
        const file = normalize(join(dir, base));
        let body = file.startsWith(dir + sep) ? await readFile(file).catch(() => null) : null;
        if (body) {
          // The built files as a CDN sends them: readable from any origin (module chunks are always fetched with CORS).
          const headers = dir === dist ? { 'Access-Control-Allow-Origin': '*' } : {};
          if (extname(file) === '.html') body = String(body).replaceAll('%CDN%', cdnOrigin);
          if (base.startsWith('csp')) headers['Content-Security-Policy'] = STRICT_CSP;
          if (base.startsWith('tt')) headers['Content-Security-Policy'] = TRUSTED_TYPES_CSP;
          // Pages reached by prefetch: reusable from the HTTP cache for a minute (what <link rel=prefetch> and the fetch fallback need).
          if (base.startsWith('next')) headers['Cache-Control'] = 'private, max-age=60';
          return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body, headers);
        }
      }
      send(res, 404, 'text/plain', 'not found');
    } catch (err) {
      if (!res.headersSent) send(res, 500, 'text/plain', String(err));
    }
  };
  const listen = async (cdn) => {
    const server = createServer(handler(cdn));
    await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    return server;
  };
  const server = await listen(false);
  const cdnServer = await listen(true);
  const url = `http://127.0.0.1:${server.address().port}`;
  cdnOrigin = `http://127.0.0.1:${cdnServer.address().port}`;
  const close = (srv) => new Promise((resolve) => (srv.closeAllConnections(), srv.close(() => resolve(undefined))));
  return {
    url, batches, requests, results, state,
    /** Events the collector accepted, flattened, with the batch's media type. */
    events: () => batches.flatMap(({ batch, meta }) => batch.events.map((e) => ({ ...e, contentType: meta.contentType }))),
    reset() {
      batches.splice(0);
      requests.splice(0);
      results.clear();
      Object.assign(state, { refuse: 0, offline: false, holdVitals: false });
    },
    close: () => Promise.all([close(server), close(cdnServer)]),
  };
}
