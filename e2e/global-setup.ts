import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodeResolve from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';

const root = resolve(import.meta.dirname, '..');
const tmp = join(root, 'e2e', '.tmp');

/**
 * Builds the "npm user" fixture the way an app would: `import { createPagePace } from 'pagepace'`
 * resolved through node_modules and the package's exports map, bundled by rollup.
 */
export default async function globalSetup() {
  await rm(tmp, { recursive: true, force: true });
  await mkdir(join(tmp, 'node_modules'), { recursive: true });
  await symlink(root, join(tmp, 'node_modules', 'pagepace'), 'dir');
  // The app the npm tests use, and one that keeps every default (the page-view tests).
  await build('npm-app', `
import { createPagePace, PagePaceError } from 'pagepace';
window.pace = createPagePace({ endpoint: '/collect', batch: { maxDelayMs: 1000 } });
window.PagePaceError = PagePaceError;
`);
  await build('npm-defaults', `
import { createPagePace } from 'pagepace';
window.pace = createPagePace({ endpoint: '/collect' });
`);
}

async function build(name: string, source: string) {
  const entry = join(tmp, `${name}.js`);
  await writeFile(entry, source);
  const bundle = await rollup({ input: entry, plugins: [nodeResolve({ browser: true })] });
  await bundle.write({ dir: join(tmp, name), format: 'es', entryFileNames: 'app.js', chunkFileNames: '[name]-[hash].js' });
  await bundle.close();
}
