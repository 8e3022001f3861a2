// Bundle sizes, brotli: pagepace's files as built, and the à-la-carte stack of anchors built in
// the same run from devDependencies with the same minifier settings.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { build } from 'esbuild';

const br = (buf) => brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;

/** Bundles `code` (an ES module importing what it measures) with esbuild, minified, and returns brotli bytes. */
async function bundled(root, code, external = []) {
  const r = await build({ stdin: { contents: code, resolveDir: root, loader: 'js' }, bundle: true, minify: true, format: 'esm', write: false, external, logLevel: 'silent' });
  return br(r.outputFiles[0].contents);
}

/**
 * Brotli bytes of the eager script-tag bundle (src/auto.ts, esbuild, chunks split off) with every
 * module in `stub` replaced by empty functions of the same names (every import() left out, as in
 * the built script tag), and the modules the bundle holds.
 * The difference to the unstubbed build is what those modules add to the eager bundle; the calls
 * into them from src/index.ts stay, so it is their bodies, not the glue.
 */
async function eagerWithout(root, stub = []) {
  const stubbed = new Set(stub.map((f) => join(root, f)));
  const r = await build({
    entryPoints: [join(root, 'src/auto.ts')], bundle: true, minify: true, format: 'iife', globalName: 'PagePace', write: false, metafile: true, logLevel: 'silent',
    plugins: [{
      name: 'stub',
      setup(b) {
        // As in the built script tag: every import() is a chunk beside it, not part of it.
        b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
        b.onLoad({ filter: /\.ts$/ }, (args) => {
          if (!stubbed.has(args.path)) return undefined;
          const names = [...readFileSync(args.path, 'utf8').matchAll(/^export (?:async )?(?:function|const|let|class) (\w+)/gm)].map((m) => m[1]);
          return { contents: names.map((n) => `export function ${n}() {}`).join('\n'), loader: 'ts' };
        });
      },
    }],
  });
  const [out] = Object.values(r.metafile.outputs);
  return { bytes: br(r.outputFiles[0].contents), modules: Object.keys(out.inputs) };
}

// Issue 6: summary, grades, budgets, routes, the sources' loader and own-overhead timing; the sources
// themselves are a chunk (pagepace.sources.js), and so are budgets (pagepace.budgets.js, only when one is set).
const MEASUREMENT = ['sketch', 'exact', 'summary', 'grade', 'budgets', 'routes', 'history', 'overhead', 'sources', 'context', 'field'].map((m) => `src/vitals/${m}.ts`);

export const name = 'size';

export async function run({ root }) {
  const file = (f) => br(readFileSync(join(root, 'dist', f)));
  // The same lazy chunks package.json's size-limit leaves out of the eager figures.
  const limits = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))['size-limit'];
  const lazy = limits[1].ignore;
  const pagepace = {
    'script tag, eager (pagepace.iife.js)': file('pagepace.iife.js'),
    'core npm import: createPagePace (eager)': await bundled(root, "export { createPagePace } from './dist/index.js';", lazy),
    'lazy: encoding worker (pagepace.worker.js)': file('pagepace.worker.js'),
    'lazy: worker client + comlink (pagepace.remote.js)': file('pagepace.remote.js'),
    'lazy: main-thread codec fallback (pagepace.codec.js)': file('pagepace.codec.js'),
    'lazy: OTLP encoder (pagepace.otlp.js)': file('pagepace.otlp.js'),
    'lazy: sending side: batches, outbox, retries (pagepace.sender.js)': file('pagepace.sender.js'),
    'lazy: lazy loading (pagepace.lazy.js)': file('pagepace.lazy.js'),
    'lazy: web-vitals glue (pagepace.vitals.js)': file('pagepace.vitals.js'),
    'lazy: web-vitals (pagepace.web-vitals.js)': file('pagepace.web-vitals.js'),
    // Code the lazy chunks share, split out by rollup (pagepace.<name>-<hash>.js).
    'lazy: shared by the chunks': readdirSync(join(root, 'dist')).filter((f) => /^pagepace\.[\w-]+-[\w-]{8}\.js$/.test(f)).reduce((a, f) => a + file(f), 0),
    'lazy: attribution (pagepace.attribution.js)': file('pagepace.attribution.js'),
    'lazy: measurement sources (pagepace.sources.js)': file('pagepace.sources.js'),
    'lazy: prefetching (pagepace.prefetch.js)': file('pagepace.prefetch.js'),
    'lazy: sw-client + workbox-window (pagepace.sw-client.js)': file('pagepace.sw-client.js'),
    'lazy: budgets, when one is set (pagepace.budgets.js)': file('pagepace.budgets.js'),
    'lazy: summary\'s bucketed sketch, past 32 values of a metric (pagepace.buckets.js)': file('pagepace.buckets.js'),
  };
  let sw = 0;
  try {
    sw = file('pagepace-sw.js');
  } catch {
    // no service worker build: its row reads 0
  }
  const eager = pagepace['script tag, eager (pagepace.iife.js)'];
  // What a page loads in all with every feature on: the eager script and its lazy chunks. Not the attribution
  // build (opt-in, a bigger web-vitals in place of the plain one), nor the main-thread codec (only when the worker fails).
  const everyFeature = ['shared by the chunks', 'sending side', 'web-vitals', 'encoding worker', 'worker client', 'measurement sources', 'prefetching', 'sw-client', 'lazy loading', 'budgets', 'bucketed sketch'];
  const total = eager + Object.entries(pagepace).filter(([k]) => k.startsWith('lazy:') && everyFeature.some((f) => k.includes(f))).reduce((a, [, v]) => a + v, 0);
  const anchors = {
    'web-vitals (onLCP, onINP, onCLS, onFCP, onTTFB)': await bundled(root, "export { onLCP, onINP, onCLS, onFCP, onTTFB } from 'web-vitals';"),
    'quicklink (listen, prefetch)': await bundled(root, "export { listen, prefetch } from 'quicklink';"),
    'vanilla-lazyload': await bundled(root, "export { default } from 'vanilla-lazyload';"),
    'workbox-window (Workbox)': await bundled(root, "export { Workbox } from 'workbox-window';"),
    'idb-keyval (get, set, del, entries, createStore)': await bundled(root, "export { get, set, del, entries, createStore } from 'idb-keyval';"),
    'comlink (wrap, expose, transfer)': await bundled(root, "export { wrap, expose, transfer } from 'comlink';"),
  };
  const stack = await bundled(root, "export { onLCP, onINP, onCLS, onFCP, onTTFB } from 'web-vitals'; export { listen } from 'quicklink'; export { default as LazyLoad } from 'vanilla-lazyload'; export { Workbox } from 'workbox-window'; export { get, set } from 'idb-keyval'; export { wrap } from 'comlink';");
  const core = pagepace['core npm import: createPagePace (eager)'];
  const full = await eagerWithout(root);
  const withoutMeasurement = await eagerWithout(root, MEASUREMENT);
  const measurement = full.bytes - withoutMeasurement.bytes;
  const measurementModules = full.modules.filter((m) => MEASUREMENT.includes(m));
  const protocolModules = full.modules.filter((m) => /^src\/(protocol|worker)\//.test(m) || /comlink/.test(m));
  const goals = [
    [`eager client JavaScript with every feature on ≤ 8 KB`, eager <= 8 * 1024, kb(eager)],
    [`everything including lazy chunks ≤ 14 KB (eager + sending side + web-vitals + worker + its client + sources + prefetch + sw-client + lazy loading + budgets + bucketed sketch)`, total <= 14 * 1024, kb(total)],
    [`core npm import ≤ 4.5 KB`, core <= 4.5 * 1024, kb(core)],
    [`issue 6: measurement and summary (everything but the dashboard) add ≤ 2 KB to the eager bundle`, measurement <= 2 * 1024,
      `${kb(measurement)} (eager bundle ${kb(full.bytes)} with them, ${kb(withoutMeasurement.bytes)} with their ${measurementModules.length} modules stubbed: ${measurementModules.map((m) => m.replace('src/vitals/', '')).join(', ')})`],
    [`issue 3: the binary protocol adds ≤ 1 KB to the eager bundle`, protocolModules.length === 0,
      protocolModules.length ? `in the eager bundle: ${protocolModules.join(', ')}` : 'no module of src/protocol, src/worker or comlink is in the eager bundle (they are in pagepace.worker.js, pagepace.remote.js and pagepace.codec.js); what stays eager is the choice of format in the config'],
  ];
  const markdown = [
    '| pagepace file | brotli |', '|---|---:|',
    ...Object.entries(pagepace).map(([k, v]) => `| ${k} | ${kb(v)} |`),
    ...(sw ? [`| service worker (pagepace-sw.js, its own script) | ${kb(sw)} |`] : []),
    `| **eager + lazy chunks a page loads with every feature** | **${kb(total)}** |`,
    '', '| anchor (built in this run, esbuild --minify) | brotli |', '|---|---:|',
    ...Object.entries(anchors).map(([k, v]) => `| ${k} | ${kb(v)} |`),
    `| **à-la-carte stack, one bundle** | **${kb(stack)}** |`,
    '', ...goals.map(([g, ok, v]) => `- **${ok ? 'PASS' : 'MISS'}** ${g}: ${v}`),
  ].join('\n');
  return { markdown, json: { pagepace, sw, total, anchors, stack, measurement: { full: full.bytes, without: withoutMeasurement.bytes, modules: measurementModules }, protocolModules, goals } };
}
