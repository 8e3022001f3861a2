// A tiny static server for benchmark pages on 127.0.0.1, port 0. Cross-origin isolated
// (COOP + COEP), so performance.now() in the page ticks in 5 µs steps instead of 100 µs.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.map': 'application/json' };

/**
 * @param {Record<string, string>} mounts URL prefix (ending in '/') → directory; longest prefix wins.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startStaticServer(mounts) {
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const hit = entries.find(([prefix]) => path.startsWith(prefix));
    const dir = hit && normalize(hit[1]);
    const file = dir && normalize(join(dir, path.slice(hit[0].length) || 'index.html'));
    const body = file && file.startsWith(dir + sep) ? await readFile(file).catch(() => null) : null;
    if (!body) return res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(body);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
