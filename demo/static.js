import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
};

/**
 * Serves `root` under `prefix`. Returns false when the request is not for this mount or the
 * file does not exist, so the caller can try the next one.
 * @param {string} prefix URL prefix such as "/dist/"
 * @param {string} root directory on disk
 * @param {{ headers?: Record<string, string> }} [opts]
 */
export function mount(prefix, root, opts = {}) {
  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url */
  return async (req, res, url) => {
    if (!url.pathname.startsWith(prefix)) return false;
    let rel;
    try {
      rel = decodeURIComponent(url.pathname.slice(prefix.length));
    } catch {
      // A malformed escape (`/%E0%A4%A`) is the client's error, not the server's.
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('malformed path');
      return true;
    }
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(root, rel));
    // Never serve outside the mount, whatever the path says.
    if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return false;
    // ?delay=ms holds the response at the server: CDP throttling does not reach a service worker's own fetches.
    const delay = Math.min(Number(url.searchParams.get('delay')) || 0, 10_000);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': 'no-cache',
      ...opts.headers,
    });
    if (req.method === 'HEAD') return res.end(), true;
    createReadStream(file).pipe(res);
    return true;
  };
}
