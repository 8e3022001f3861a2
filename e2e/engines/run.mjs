#!/usr/bin/env node
// The engine suite: the same scenarios in Chromium, Firefox and WebKit (see README "Browser
// support"). `node e2e/engines/run.mjs [chromium] [firefox] [webkit]` (default all three), after
// `npm run build`. Writes e2e/engines/results/<engine>.json and regenerates docs/support.md.
// An engine missing here is skipped with one line, except under CI (CI set), where it fails.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, missing } from './drivers.mjs';
import { KNOWN, overall, SCENARIOS } from './scenarios.mjs';
import { BINARY_CONTENT_TYPE } from '../../dist/protocol.js';
import { startServer } from './server.mjs';
import { writeTable } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const engines = process.argv.slice(2).length ? process.argv.slice(2) : ['chromium', 'firefox', 'webkit'];
const ci = !!process.env.CI;
let failed = 0;

for (const engine of engines) {
  const why = missing(engine);
  if (why) {
    console.log(`engines: ${engine} ${ci ? 'MISSING' : 'skipped'}: ${why}`);
    if (ci) failed++;
    continue;
  }
  const t0 = Date.now();
  const s = await startServer();
  const d = await launch(engine);
  const all = { batches: [], errors: [] };
  const checks = [];
  // PAGEPACE_SCENARIO=<part of a name>: only those scenarios (debugging; results are not written).
  const only = process.env.PAGEPACE_SCENARIO;
  for (const sc of SCENARIOS.filter((x) => !only || x.name.includes(only))) {
    s.reset();
    let got;
    try {
      got = await sc.run(d, s, engine);
    } catch (err) {
      got = [{ feature: sc.name, ok: false, value: `threw: ${String(err?.message ?? err).split('\n')[0]}` }];
    }
    if (only) console.log(`    requests: ${s.requests.map((r) => (r.method === 'GET' ? '' : `${r.method} `) + r.path).join(' ')}\n    results: ${JSON.stringify([...s.results])}`);
    all.batches.push(...s.batches.map((b) => ({ ...b, scenario: sc.name })));
    for (const [k, v] of s.results) if (k.endsWith('.error')) all.errors.push(...v);
    for (const c of got) {
      const known = KNOWN[engine]?.[c.feature];
      if (known && !c.ok) Object.assign(c, { ok: true, finding: true, note: known });
      checks.push({ scenario: sc.name, ...c });
      console.log(`  ${c.ok ? (c.finding ? '!' : '✓') : '✘'} ${engine} ${c.feature}: ${typeof c.value === 'string' ? c.value : JSON.stringify(c.value)}${c.note ? ` (${c.note})` : ''}`);
    }
  }
  for (const c of overall(all)) {
    checks.push({ scenario: 'whole run', ...c });
    console.log(`  ${c.ok ? '✓' : '✘'} ${engine} ${c.feature}: ${c.value}`);
  }
  await d.close();
  await s.close();
  const bad = checks.filter((c) => !c.ok);
  failed += bad.length;
  console.log(`engines: ${engine} (${d.version}): ${checks.length - bad.length}/${checks.length} checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // What a non-binary batch held says which page sent it and when (the summary line says only where).
  for (const b of all.batches.filter((b) => b.meta.contentType !== BINARY_CONTENT_TYPE)) {
    console.log(`    not binary (${b.scenario}): ${b.meta.contentType} ${b.batch.page} ${b.batch.events.map((e) => `${e.kind}:${e.name}`).join(' ')}`.slice(0, 400));
  }
  if (only) {
    for (const b of all.batches) console.log(`    ${b.meta.contentType} ${b.batch.events.map((e) => e.name).join(' ')}`.slice(0, 300));
    continue;
  }
  await writeFile(join(here, 'results', `${engine}.json`), JSON.stringify({ engine, version: d.version, date: new Date().toISOString().slice(0, 10), checks }, null, 2) + '\n');
}
await writeTable();
process.exit(failed ? 1 : 0);
