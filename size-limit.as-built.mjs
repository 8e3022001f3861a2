// size-limit's esbuild step for the script tag's eager file: copy it as built, do not bundle it again.
//
// The browser downloads dist/pagepace.iife.js exactly as rollup and terser wrote it. Bundling it
// again (size-limit's default) prepends esbuild's CommonJS interop helpers (a `require` shim,
// `__toESM`) and re-mangles terser's names, which brotli compresses worse: 8,943 B for a file
// whose own brotli-11 size is 8,275 B (measured on b55bc7d). The copy loader keeps the bytes; the
// @size-limit/file plugin then compresses them as usual. size-limit still subtracts the 16 B it
// assumes for an empty esbuild project, so its figure reads 16 B under the file's.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default {
  entryPoints: ['dist/pagepace.iife.js'],
  loader: { '.js': 'copy' },
  outdir: mkdtempSync(join(tmpdir(), 'pagepace-size-')),
  write: true,
  logLevel: 'silent',
};
