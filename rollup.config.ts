import { readFileSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import type { Plugin, RollupOptions } from 'rollup';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { dependencies?: Record<string, string> };
const deps = Object.keys(pkg.dependencies ?? {});
const isDep = (id: string) => deps.some((d) => id === d || id.startsWith(`${d}/`));

const ts = (tsconfig = './tsconfig.json', include = ['src/**/*.ts']) => typescript({ tsconfig, include, exclude: ['src/**/*.test.ts'], noEmit: false, outDir: 'dist', declaration: false, sourceMap: true, inlineSources: false });
// `module` only for ES output: on a script it would drop the top-level `var PagePace` as unused.
const min = (module = true) => terser({ ecma: 2020, module, compress: { passes: 2 }, format: { comments: false } });

/**
 * The script tag has no bundler to split chunks for it: optional parts are loaded as ES modules
 * next to the IIFE, by absolute URLs made from the script's own (see `chunkUrl` below).
 */
const lazyChunksBesideScript = (map: Record<string, string>): Plugin => ({
  name: 'lazy-chunks-beside-script',
  resolveDynamicImport(specifier) {
    return typeof specifier === 'string' && map[specifier] ? { id: map[specifier], external: true } : null;
  },
  // A chunk's own imports (shared chunks) are otherwise found only once the chunk has arrived: a
  // second round trip before it can run. Each import() of a chunk also starts its imports, at once.
  renderDynamicImport({ targetModuleId }) {
    const own = targetModuleId ? chunkImports.get(targetModuleId.replace(/^\.\//, '')) : undefined;
    return own?.length
      ? { left: `(${JSON.stringify(own.map((f) => `./${f}`))}.map(preloadChunk),import(chunkUrl(`, right: ')))' }
      : { left: 'import(chunkUrl(', right: '))' };
  },
});

/**
 * Shared chunks are named for where their code lives (`pagepace.core-types.js`,
 * `pagepace.idb-keyval.js`), unhashed like every file beside the script: the script names them
 * (renderDynamicImport), so a name costs eager bytes, and random hashes do not compress.
 */
const sharedChunkName = (c: { name: string; moduleIds: readonly string[] }): string => {
  const id = (c.moduleIds.at(-1) ?? c.name).replace(/\\/g, '/');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id);
  const own = /([^/]+)\/([^/.]+)\.[jt]s$/.exec(id);
  return `pagepace.${pkg ? pkg[1]!.replace('/', '-') : own ? `${own[1]}-${own[2]}` : c.name}.js`;
};

/** The script tag's lazy chunks (built first, below) and the shared chunks each imports, transitively. */
const chunkImports = new Map<string, string[]>();
const recordChunkImports: Plugin = {
  name: 'record-chunk-imports',
  generateBundle(_, bundle) {
    const all = (file: string, seen = new Set<string>()): string[] => {
      const c = bundle[file];
      if (c?.type !== 'chunk') return [];
      for (const i of c.imports) if (!seen.has(i)) {
        seen.add(i);
        all(i, seen);
      }
      return [...seen];
    };
    for (const c of Object.values(bundle)) if (c.type === 'chunk' && c.isEntry) chunkImports.set(c.fileName, all(c.fileName));
  },
};

const config: RollupOptions[] = [
  {
    // npm entries: ESM for bundlers; dependencies stay imports so the app's bundler dedupes them.
    input: {
      index: 'src/index.ts', vitals: 'src/vitals/index.ts', beacon: 'src/beacon/index.ts', protocol: 'src/protocol/index.ts',
      'sw-client': 'src/sw-client/index.ts', lazy: 'src/loading/lazy-entry.ts', prefetch: 'src/loading/prefetch-entry.ts',
    },
    external: isDep,
    plugins: [ts()],
    // Chunks beside the entries: `new URL('./pagepace.worker.js', import.meta.url)` must resolve from any of them.
    output: { dir: 'dist', format: 'es', sourcemap: true, chunkFileNames: '[name]-[hash].js' },
  },
  {
    // The script tag's lazy chunks: ES modules loaded by import() from beside it. Built before the
    // script, which names each chunk's shared chunks (recordChunkImports, renderDynamicImport).
    input: {
      'pagepace.remote': 'src/worker/remote.ts', 'pagepace.codec': 'src/worker/codec.ts', 'pagepace.otlp': 'src/beacon/formats/otlp.ts',
      'pagepace.sources': 'src/vitals/lazySources.ts',
      'pagepace.prefetch': 'src/loading/prefetch.ts', 'pagepace.sw-client': 'src/sw-client/index.ts',
      'pagepace.sender': 'src/beacon/sender.ts', 'pagepace.lazy': 'src/loading/lazy.ts', 'pagepace.budgets': 'src/vitals/budgets.ts',
      'pagepace.buckets': 'src/vitals/buckets.ts',
      // web-vitals glue, and the two web-vitals builds it picks from, under names of their own.
      'pagepace.vitals': 'src/vitals/webVitals.ts', 'pagepace.web-vitals': 'web-vitals', 'pagepace.attribution': 'web-vitals/attribution',
    },
    plugins: [nodeResolve({ browser: true }), ts(), recordChunkImports],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: sharedChunkName, plugins: [min()] },
  },
  {
    input: 'src/auto.ts',
    plugins: [
      lazyChunksBesideScript({
        './vitals/webVitals': './pagepace.vitals.js',
        './remote': './pagepace.remote.js',
        './codec': './pagepace.codec.js',
        '../beacon/formats/otlp': './pagepace.otlp.js',
        './lazySources': './pagepace.sources.js',
        './loading/prefetch': './pagepace.prefetch.js',
        './sw-client': './pagepace.sw-client.js',
        './beacon/sender': './pagepace.sender.js',
        './loading/lazy': './pagepace.lazy.js',
        './vitals/budgets': './pagepace.budgets.js',
        './vitals/buckets': './pagepace.buckets.js',
      }),
      nodeResolve(),
      ts(),
    ],
    output: {
      file: 'dist/pagepace.iife.js', format: 'iife', name: 'PagePace', sourcemap: true, plugins: [min(false)],
      // Fetches a shared chunk; a failure is the importing chunk's to report (its import() fails too).
      // Chunk URLs are made absolute from the script's own URL: import() in a classic script loaded
      // from another origin without `crossorigin` (a CDN) resolves against about:blank, and fails.
      // Without a current script (one in a shadow root) the relative URL is kept, as before.
      intro: 'const chunkBase = globalThis.document?.currentScript?.src, chunkUrl = (u) => (chunkBase ? new URL(u, chunkBase) : u), preloadChunk = (u) => void import(chunkUrl(u)).catch(() => {});',
    },
  },
  {
    // The encoding worker: a module worker with comlink and the codec bundled in.
    input: 'src/worker/worker.ts',
    plugins: [nodeResolve(), ts()],
    output: { file: 'dist/pagepace.worker.js', format: 'es', sourcemap: true, plugins: [min()] },
  },
  {
    // A script to inline in the page (no source map: inlined code has no file to map to).
    input: 'src/loading/firstViewport-inline.ts',
    plugins: [ts()],
    output: { file: 'dist/pagepace.first-viewport.js', format: 'iife', plugins: [min(false)] },
  },
  {
    // The service worker is served from the site's root as one classic script: everything bundled.
    input: 'sw/index.ts',
    plugins: [nodeResolve({ browser: true }), ts('./sw/tsconfig.json', ['sw/**/*.ts', 'src/**/*.ts'])],
    output: { file: 'dist/pagepace-sw.js', format: 'iife', sourcemap: true, plugins: [min(false)] },
  },
  {
    // Node entries: the collector and the Playwright kit.
    input: { collector: 'src/collector/index.ts', playwright: 'src/testing/index.ts' },
    external: (id) => id.startsWith('node:') || isDep(id) || id.startsWith('@playwright/'),
    plugins: [ts()],
    output: { dir: 'dist', format: 'es', sourcemap: true, chunkFileNames: 'chunks/[name]-[hash].js' },
  },
];

// The collector's entry arrives separately; skipping it keeps partial builds possible while it is written.
export default process.env.PAGEPACE_SKIP_COLLECTOR ? config.slice(0, -1) : config;
