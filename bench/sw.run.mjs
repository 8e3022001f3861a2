// The service-worker bench (bench/sw.bench.mjs, a standalone script) as a module of `npm run bench`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const name = 'sw';

export async function run({ root, quick }) {
  const r = spawnSync(process.execPath, [join(root, 'bench', 'sw.bench.mjs'), '--runs', quick ? '3' : '10'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`sw.bench.mjs exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const json = JSON.parse(readFileSync(join(root, 'bench', 'results', 'sw.json'), 'utf8'));
  const markdown = r.stdout.replace(/^###/gm, '###');
  return { markdown, json };
}
