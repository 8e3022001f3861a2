import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCollector } from '../dist/collector.js';
import { createField } from './field.js';
import { generated } from './generated.js';
import { mount } from './static.js';
import { createStore } from './store.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Bytes of an OTLP request body kept at /v1/metrics and /v1/logs (the collector's own limit is 64 KiB). */
export const MAX_OTLP_BYTES = 1 << 20;
/** Bytes of a POST /api/fault body. */
const MAX_FAULT_BYTES = 1024;

/** An error answered with its status (4xx), never a 500. */
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * The request body as text, refused with 413 past `max` bytes (before reading it when
 * Content-Length says so). What arrives past the limit is read and thrown away, so the 413 reaches
 * the client; the connection then closes.
 */
function readBody(req, max) {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > max) return req.resume(), reject(new HttpError(413, `body over ${max} bytes`));
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off('data', onData).resume();
      chunks.length = 0;
      reject(new HttpError(413, `body over ${max} bytes`));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/** JSON, or a 400 naming what was wrong. */
function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `${what}: ${err.message}`);
  }
}

/**
 * Requests that change the demo's state (fault injection, clearing the store) are taken from its
 * own pages and from scripts without a browser only: a page of another origin could otherwise
 * turn the collector off with a simple form post. Browsers send `Origin` on every cross-origin
 * POST/DELETE and `Sec-Fetch-Site` on every request; a JSON content type needs a CORS preflight,
 * which this server never grants.
 */
function sameOrigin(req) {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}

/** Checks a fault: `{ status: 100–599, times: 0–10000, retryAfter?: string }`. */
function faultOf(body) {
  const f = body && typeof body === 'object' ? body : {};
  const status = Object.hasOwn(f, 'status') ? f.status : 0;
  const times = Object.hasOwn(f, 'times') ? f.times : 0;
  const retryAfter = Object.hasOwn(f, 'retryAfter') ? f.retryAfter : undefined;
  if (!Number.isInteger(times) || times < 0 || times > 10_000) throw new HttpError(400, `times: ${JSON.stringify(times)} is not an integer 0–10000`);
  if (times > 0 && !(Number.isInteger(status) && status >= 100 && status <= 599)) throw new HttpError(400, `status: ${JSON.stringify(status)} is not an HTTP status 100–599`);
  if (retryAfter !== undefined && !(typeof retryAfter === 'string' && /^[\w :,.-]{1,64}$/.test(retryAfter))) throw new HttpError(400, 'retryAfter: must be a short header value');
  return { status, times, ...(retryAfter === undefined ? {} : { retryAfter }) };
}

/**
 * The demo server: the built client under /dist/, example pages and the dashboard under /,
 * the collector at /collect, a live feed at /api/live (SSE) and the received batches at
 * /api/batches. With `fixtures`, e2e/fixtures is served under /fixtures/ too.
 * @param {{ port?: number, host?: string, fixtures?: boolean, ndjson?: string, quiet?: boolean }} [opts]
 */
export async function startDemoServer(opts = {}) {
  const store = createStore({ ndjson: opts.ndjson });
  /** @type {unknown[]} OTLP requests received at /v1/metrics and /v1/logs (bounded), in arrival order. */
  const otlp = [];
  const field = createField();
  const collector = createCollector({
    onBatch: (batch, meta) => {
      field.add(batch, meta);
      return store.add(batch, meta);
    },
  });
  /** Fault injection: the next `times` POSTs to /collect are answered with `status` (and Retry-After). */
  let fault = { status: 0, times: 0, retryAfter: /** @type {string | undefined} */ (undefined), answered: 0 };
  /** @param {{ status: number, times: number, retryAfter?: string }} f */
  const setFault = (f) => (fault = { ...f, answered: 0 });
  /** @type {typeof collector} */
  const collect = Object.assign((req, res) => {
    if (req.method === 'POST' && fault.times > 0) {
      fault.times--;
      fault.answered++;
      req.resume();
      res.writeHead(fault.status, { 'Content-Type': 'text/plain', ...(fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {}) });
      return res.end('injected fault');
    }
    return collector(req, res);
  }, { stats: collector.stats });
  const sw = mount('/', join(root, 'dist'), { headers: { 'Service-Worker-Allowed': '/' } });
  const pages = mount('/', join(root, 'demo', 'pages'));
  const mounts = [
    // The service worker must be served from the root to control the whole site.
    (req, res, url) => (url.pathname === '/pagepace-sw.js' ? sw(req, res, url) : false),
    mount('/dist/', join(root, 'dist')),
    // Chart library served from the package, never a CDN.
    mount('/vendor/uplot/', join(root, 'node_modules', 'uplot', 'dist')),
    pages,
    // The single-page app's client-side routes all load its one page.
    (req, res, url) => (url.pathname.startsWith('/spa/') ? pages(req, res, new URL('/spa.html', url)) : false),
    // Images and articles for the example pages.
    generated,
  ];
  if (opts.fixtures) {
    mounts.unshift(
      mount('/fixtures/csp/', join(root, 'e2e', 'fixtures', 'csp'), { headers: { 'Content-Security-Policy': "script-src 'self'; worker-src 'self'" } }),
      mount('/fixtures/', join(root, 'e2e', 'fixtures')),
      mount('/fixtures-built/', join(root, 'e2e', '.tmp')),
    );
  }

  const server = createServer(async (req, res) => {
    try {
      let url;
      try {
        url = new URL(req.url ?? '/', 'http://127.0.0.1');
      } catch {
        throw new HttpError(400, 'malformed request target');
      }
      if (url.pathname === '/collect') return collect(req, res);
      if (url.pathname === '/api/live') return store.subscribe(req, res, field.snapshot);
      if (url.pathname === '/api/summary') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        return res.end(JSON.stringify(field.snapshot()));
      }
      if (url.pathname === '/api/batches') {
        if (req.method === 'DELETE') {
          if (!sameOrigin(req)) throw new HttpError(403, 'cross-origin requests may not clear the store');
          return store.reset(), res.writeHead(204).end();
        }
        const session = url.searchParams.get('session');
        const list = session ? store.list().filter((e) => e.batch.sessionId === session) : store.list();
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        return res.end(JSON.stringify(list));
      }
      // An OTLP/HTTP JSON receiver, so the otlp format can be seen working without an OpenTelemetry Collector.
      if ((url.pathname === '/v1/metrics' || url.pathname === '/v1/logs') && req.method === 'POST') {
        const body = parseJson(await readBody(req, MAX_OTLP_BYTES), 'OTLP body');
        // Each signal at its own path: logs posted to /v1/metrics (or the reverse) are refused.
        const other = url.pathname === '/v1/metrics' ? 'resourceLogs' : 'resourceMetrics';
        if (body && typeof body === 'object' && other in body) throw new HttpError(400, `OTLP body: ${other} posted to ${url.pathname}`);
        otlp.push(body);
        if (otlp.length > 1000) otlp.shift();
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end('{}');
      }
      if (url.pathname === '/api/otlp') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify(otlp));
      }
      if (url.pathname === '/api/fault' && req.method === 'POST') {
        if (!sameOrigin(req)) throw new HttpError(403, 'fault injection is for the demo\'s own pages and local scripts');
        if (!String(req.headers['content-type']).startsWith('application/json')) throw new HttpError(415, 'fault: Content-Type must be application/json');
        setFault(faultOf(parseJson((await readBody(req, MAX_FAULT_BYTES)) || '{}', 'fault')));
        return res.writeHead(204).end();
      }
      if (url.pathname === '/api/stats') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ store: store.stats(), collector: collect.stats() }));
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        for (const m of mounts) if (await m(req, res, url)) return;
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    } catch (err) {
      if (err instanceof HttpError) {
        if (!res.headersSent) res.writeHead(err.status, { 'Content-Type': 'text/plain', Connection: 'close' });
        // A refused body may still be arriving: the connection closes once the answer is out.
        res.end(err.message, () => req.complete || req.destroy());
        return;
      }
      if (!opts.quiet) console.error('[demo]', err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${address.address}:${address.port}`,
    store,
    server,
    setFault,
    field,
    otlp: () => otlp,
    fault: () => fault,
    collectorStats: () => collect.stats(),
    close: () => new Promise((resolve) => {
      store.close();
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = process.env.PORT === undefined ? 4173 : Number(process.env.PORT);
  const demo = await startDemoServer({ port, fixtures: process.env.PAGEPACE_FIXTURES === '1', ndjson: process.env.PAGEPACE_NDJSON });
  console.log(`pagepace demo: ${demo.url}/  (dashboard)  ·  ${demo.url}/vitals.html  (example page)`);
  const stop = () => demo.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
