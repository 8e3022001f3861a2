// `npm run bench`: runs every bench module listed below, then writes bench/REPORT.md and
// bench/results/<name>.json.
//
//   node bench/run.mjs [--quick] [--only codec,sw] [--build]
//
// A bench module exports (default, or as named exports) `{ name, run(ctx) }`; `run` resolves to
// `{ markdown, json }`: `markdown` is its REPORT.md section (### headings and below), `json` its
// results. ctx = { root, quick, log, browser(), launchChromium(opts) }: browser() is one shared
// Chromium, launched on first use; launchChromium(opts) starts a private one (close it yourself).
//
// dist/ is built (`npm run build`) only when a file the benches load is missing, or with --build:
// others build concurrently, and rebuilding on every run would race them.
//
// REPORT.md always has a section per listed bench: benches not run this time (--only) keep the
// section of their last run, read back from bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from './lib/chromium.mjs';
import { machine, machineMarkdown } from './lib/machine.mjs';

/** Every bench, in report order. Add yours here. */
const BENCHES = ['./size.bench.mjs', './codec.bench.mjs', './sw.run.mjs', './loading.bench.mjs', './pageview.bench.mjs', './overhead.bench.mjs', './overhead-firefox.bench.mjs', './lighthouse.bench.mjs', './summary.bench.mjs', './dashboard.bench.mjs', './fuzz.bench.mjs', './collector.bench.mjs'];

/** Built files the benches load. */
const NEEDS = ['dist/protocol.js', 'dist/pagepace.remote.js', 'dist/pagepace.worker.js', 'dist/playwright.js', 'dist/collector.js'];

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.find((a, i) => argv[i - 1] === '--only') ?? argv.find((a) => a.startsWith('--only='))?.slice(7);
const only = onlyArg ? new Set(onlyArg.split(',')) : null;
const log = (...a) => console.log('[bench]', ...a);
const started = performance.now();

if (argv.includes('--build') || NEEDS.some((f) => !existsSync(join(root, f)))) {
  log('npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Say so when the sources the benches measure are newer than the build they load.
const newest = (dir) => Math.max(0, ...readdirSync(join(root, dir), { recursive: true }).map((f) => statSync(join(root, dir, f)).mtimeMs));
const built = Math.min(...NEEDS.map((f) => statSync(join(root, f)).mtimeMs));
if (['src/protocol', 'src/worker'].some((d) => newest(d) > built)) log('warning: src/protocol or src/worker is newer than dist/; run with --build to measure the current sources');

const mach = machine();
let shared;
const ctx = {
  root,
  quick,
  log,
  launchChromium,
  browser: () => (shared ??= launchChromium()),
};

mkdirSync(join(here, 'results'), { recursive: true });
const sections = [];
let failed = false;
for (const spec of BENCHES) {
  const mod = await import(pathToFileURL(join(here, spec)).href);
  const bench = mod.default ?? mod;
  const file = join(here, 'results', `${bench.name}.json`);
  if (only && !only.has(bench.name)) {
    const prev = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
    sections.push({ name: bench.name, markdown: prev ? `_Not run this time; from the run of ${prev.date} (${prev.machine?.cpu}, ${prev.machine?.cores} cores)._\n\n${prev.markdown}` : '_Not run yet._' });
    continue;
  }
  log(`${bench.name}: running`);
  const t0 = performance.now();
  let result;
  try {
    result = await bench.run(ctx);
  } catch (err) {
    failed = true;
    console.error(err);
    result = { markdown: `**FAILED**: \n\n\`\`\`\n${err?.stack ?? err}\n\`\`\``, json: { error: String(err?.stack ?? err) } };
  }
  const seconds = Math.round(performance.now() - t0) / 1000;
  log(`${bench.name}: ${seconds} s`);
  const markdown = `${result.markdown}\n\n_${bench.name}: ${seconds} s${quick ? ', --quick' : ''}._`;
  writeFileSync(file, `${JSON.stringify({ name: bench.name, date: mach.date, seconds, quick, machine: mach, ...result.json, markdown }, null, 2)}\n`);
  sections.push({ name: bench.name, markdown });
}
if (shared) await (await shared).close();

const report = [
  '# pagepace benchmarks',
  '',
  `Written by \`npm run bench\` (\`node bench/run.mjs\`${quick ? ' --quick' : ''}); raw figures in \`bench/results/<name>.json\`.`,
  'Other jobs may share this machine: figures are medians of time-boxed, interleaved rounds.',
  '',
  '## Machine',
  '',
  machineMarkdown(mach),
  '',
  ...sections.flatMap((s) => [`## ${s.name}`, '', s.markdown, '']),
].join('\n');
writeFileSync(join(here, 'REPORT.md'), report);
log(`wrote bench/REPORT.md in ${Math.round(performance.now() - started) / 1000} s`);
process.exit(failed ? 1 : 0);
