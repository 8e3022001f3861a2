// Generated content for the example pages: detailed images (Chromium leaves flat, low-detail
// images out of LCP) and article pages for the page of links to prefetch. Deterministic per name.

/** Image sizes by kind. */
const SIZES = { hero: [960, 420], thumb: [320, 220], tile: [240, 160] };

/** A small seeded PRNG (mulberry32) from a string. */
function prngOf(text) {
  let seed = 0;
  for (const c of text) seed = (Math.imul(seed, 31) + c.charCodeAt(0)) | 0;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An SVG of ~400 shapes (~25 KB): enough detail per pixel to count as an LCP candidate. */
export function imageSvg(name) {
  const kind = Object.hasOwn(SIZES, name.split('-')[0]) ? name.split('-')[0] : 'thumb';
  const [w, h] = SIZES[kind];
  const rnd = prngOf(name);
  const hue = Math.floor(rnd() * 360);
  const shapes = [];
  for (let i = 0; i < 400; i++) {
    const x = (rnd() * w).toFixed(1);
    const y = (rnd() * h).toFixed(1);
    const r = (2 + rnd() * (w / 14)).toFixed(1);
    shapes.push(`<circle cx="${x}" cy="${y}" r="${r}" fill="hsl(${(hue + rnd() * 90) | 0} ${(40 + rnd() * 50) | 0}% ${(30 + rnd() * 45) | 0}%)" fill-opacity="${(0.3 + rnd() * 0.7).toFixed(2)}"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><rect width="${w}" height="${h}" fill="hsl(${hue} 40% 20%)"/>${shapes.join('')}</svg>`;
}

/** An article page with the script tag, links on to its neighbours and back. */
export function articleHtml(n) {
  const link = (k, text) => `<a href="/articles/${k}">${text}</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>pagepace · article ${n}</title>
<script src="/dist/pagepace.iife.js" data-endpoint="/collect" defer></script>
<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 720px; margin: 2rem auto; padding: 0 1rem; } img { max-width: 100%; height: auto; border-radius: 8px; }</style>
</head><body>
<h1>Article ${n}</h1>
<p>If you came here from the page of links, this page was most likely prefetched: it arrived from the prefetch cache
(the dashboard's "prefetch: prefetched / used" counts it).</p>
<img src="/img/thumb-article-${n}.svg" width="320" height="220" alt="">
<p>${n > 1 ? link(n - 1, '← previous') : ''} · ${link(n + 1, 'next →')} · <a href="/links.html">all links</a> · <a href="/">dashboard</a></p>
</body></html>`;
}

/**
 * Serves `/img/<name>.svg` (optionally `?delay=ms`, at most 5 s) and `/articles/<n>`; false for
 * other URLs.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url
 */
export async function generated(req, res, url) {
  let body;
  let type;
  const img = /^\/img\/([a-z0-9-]{1,64})\.svg$/.exec(url.pathname);
  const article = /^\/articles\/([1-9]\d{0,3})$/.exec(url.pathname);
  if (img) [body, type] = [imageSvg(img[1]), 'image/svg+xml'];
  else if (article) [body, type] = [articleHtml(Number(article[1])), 'text/html; charset=utf-8'];
  else return false;
  const delay = Math.min(Number(url.searchParams.get('delay')) || 0, 5000);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
