// An independent judge (issue 12): Lighthouse 12 with devtools throttling (4× CPU, slow 4G) on a
// shop page of 30 grid images — native loading="lazy" markup without pagepace, against data-src
// markup with the pagepace script tag and its defaults, and the same plus the inlined
// first-viewport script the README's first example shows. Runs interleaved, one Chromium each.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mannWhitney } from './loading.bench.mjs';
import { findChromium } from './lib/chromium.mjs';
import { median } from './lib/stats.mjs';

export const name = 'lighthouse';

const SIDES = ['native', 'pagepace', 'pagepace-inline'];
const LABEL = { native: 'native loading="lazy", no pagepace', pagepace: 'pagepace script tag, defaults, data-src markup', 'pagepace-inline': 'the same + inlined first-viewport script' };

/** A 1280×480 hero and 30 product cards in a grid; the first row is in the first viewport. */
function shop(side, firstViewport) {
  const img = (src, w, h, extra = '') => (side === 'native' ? `<img src="${src}" loading="lazy" width="${w}" height="${h}"${extra}>` : `<img data-src="${src}" width="${w}" height="${h}"${extra}>`);
  const cards = Array.from({ length: 30 }, (_, i) => `<div class="card">${img(`/img/p${i}.svg`, 400, 300, ` alt="product ${i}"`)}<p>Product ${i} <button>Add</button></p></div>`).join('');
  const head = side === 'native' ? '' : '<script src="/dist/pagepace.iife.js" data-endpoint="/collect" defer></script>';
  const tail = side === 'pagepace-inline' ? `<script>${firstViewport}</script>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>shop</title>
<style>body{margin:0;font:16px/1.4 system-ui,sans-serif}header{height:64px;background:#0c7a43;color:#fff;display:flex;align-items:center;padding:0 16px}#grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:16px;padding:16px}.card img{display:block;width:100%;height:auto;aspect-ratio:4/3}</style>
${head}</head><body><header><strong>Shop</strong></header><div id="grid">${cards}</div>${tail}</body></html>`;
}

/** An SVG of about `kb` kilobytes (the padding is a comment), so that bytes cost time on slow 4G. */
const svg = (i, kb = 20) => `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="hsl(${(i * 37) % 360} 60% 45%)"/><!--${'x'.repeat(kb * 1024)}--></svg>`;

export async function startServer(root) {
  const firstViewport = await readFile(join(root, 'dist/pagepace.first-viewport.js'), 'utf8');
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/collect') {
      req.resume();
      return req.on('end', () => res.writeHead(204).end());
    }
    if (url.pathname.startsWith('/dist/')) {
      const b = await readFile(join(root, url.pathname)).catch(() => null);
      return b ? res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(b) : res.writeHead(404).end();
    }
    const m = url.pathname.match(/^\/img\/p(\d+)\.svg$/);
    if (m) return res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'no-store' }).end(svg(+m[1]));
    const side = url.pathname.slice(1);
    if (SIDES.includes(side)) return res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(shop(side, firstViewport));
    res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) };
}

/** One Lighthouse run in a fresh headless Chromium; the figures this bench compares. */
async function audit(lighthouse, launch, url) {
  const chrome = await launch({ chromePath: findChromium(), chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const r = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'], throttlingMethod: 'devtools', formFactor: 'mobile' });
    const a = r.lhr.audits;
    const longTasks = a['long-tasks']?.details?.items ?? [];
    const ours = longTasks.filter((t) => /pagepace[\w.-]*\.js/.test(String(t.url)));
    return {
      tbt: a['total-blocking-time'].numericValue,
      si: a['speed-index'].numericValue,
      lcp: a['largest-contentful-paint'].numericValue,
      tti: a.interactive?.numericValue,
      longTasks: longTasks.length,
      oursMs: ours.reduce((s, t) => s + t.duration, 0),
      ours: ours.map((t) => `${String(t.url).split('/').pop()} ${Math.round(t.duration)} ms`),
      score: r.lhr.categories.performance.score,
    };
  } finally {
    await chrome.kill();
  }
}

export async function run({ root, quick, log }) {
  const { default: lighthouse } = await import('lighthouse');
  const { launch } = await import('chrome-launcher');
  const srv = await startServer(root);
  const runs = quick ? 2 : 5;
  const res = Object.fromEntries(SIDES.map((s) => [s, []]));
  try {
    for (let i = 0; i < runs; i++) {
      for (const s of SIDES) res[s].push(await audit(lighthouse, launch, `${srv.url}/${s}`));
      log(`lighthouse: ${i + 1}/${runs}`);
    }
  } finally {
    await srv.close();
  }
  const med = (s, k) => median(res[s].map((r) => r[k]));
  const row = (s) => `| ${LABEL[s]} | ${Math.round(med(s, 'tbt'))} (${res[s].map((r) => Math.round(r.tbt)).join(', ')}) | ${Math.round(med(s, 'si'))} | ${Math.round(med(s, 'lcp'))} | ${Math.round(med(s, 'tti'))} | ${med(s, 'longTasks')} | ${[...new Set(res[s].flatMap((r) => r.ours))].join('; ') || '–'} |`;
  const goals = [];
  for (const s of ['pagepace', 'pagepace-inline']) {
    const dTbt = med(s, 'tbt') - med('native', 'tbt');
    const si = mannWhitney(res.native.map((r) => r.si), res[s].map((r) => r.si));
    const worseSi = med(s, 'si') > med('native', 'si') && si.p < 0.05;
    goals.push(
      [`${LABEL[s]}: TBT within +10 ms of native (median)`, dTbt <= 10, `${dTbt >= 0 ? '+' : ''}${Math.round(dTbt)} ms`],
      [`${LABEL[s]}: no long task attributed to a pagepace script`, res[s].every((r) => r.ours.length === 0), res[s].map((r) => r.ours.length).join(', ') + ' per run'],
      [`${LABEL[s]}: Speed Index not significantly worse than native`, !worseSi, `${Math.round(med(s, 'si'))} vs ${Math.round(med('native', 'si'))} ms (p = ${si.p.toFixed(3)})`],
    );
  }
  const markdown = [
    `Lighthouse ${(await import('lighthouse/package.json', { with: { type: 'json' } }).catch(() => ({ default: {} }))).default.version ?? '12'}, devtools throttling (4× CPU, slow 4G), mobile, ${runs} runs a side, interleaved, fresh headless Chromium per run. Shop page: a header and 30 product images (≈ 20 KB each) in a grid. Medians in ms (TBT: every run).`,
    '', '| page | TBT (runs) | Speed Index | LCP | TTI | long tasks | long tasks of pagepace scripts |', '|---|---:|---:|---:|---:|---:|---|',
    ...SIDES.map(row),
    '', ...goals.map(([g, ok, v]) => `- **${ok ? 'PASS' : 'MISS'}** ${g}: ${v}`),
  ].join('\n');
  return { markdown, json: { runs, results: res, goals } };
}
