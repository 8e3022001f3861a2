// pagepace's overhead: the same page with and without pagepace (every feature its script tag
// turns on), at 4× CPU throttling, runs interleaved, compared with the kit's Mann–Whitney test.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const name = 'overhead';

export async function run({ root, quick, log, browser }) {
  const { measure, compare, median } = await import(pathToFileURL(join(root, 'dist', 'playwright.js')).href);
  const { startDemoServer } = await import(pathToFileURL(join(root, 'demo', 'server.js')).href);
  const demo = await startDemoServer({ fixtures: true, quiet: true });
  const b = await browser();
  const runs = quick ? 6 : 20;
  const opts = { baseURL: demo.url, profile: 'cpu-4x', interact: (page) => page.click('#work') };
  const without = { url: 'without', profile: 'cpu-4x', at: new Date().toISOString(), runs: [] };
  const withPp = { url: 'with', profile: 'cpu-4x', at: new Date().toISOString(), runs: [] };
  try {
    // Interleaved one run at a time, so drift in the machine's load hits both sides alike.
    for (let i = 0; i < runs; i++) {
      without.runs.push(...(await measure(b, '/fixtures/overhead.html', { ...opts, runs: 1 })).runs);
      withPp.runs.push(...(await measure(b, '/fixtures/overhead.html?pp=1', { ...opts, runs: 1 })).runs);
      if (i % 5 === 4) log(`overhead: ${i + 1}/${runs} pairs`);
    }
  } finally {
    await demo.close();
  }
  const metrics = ['TBT', 'longTasks', 'longTaskMs', 'LCP', 'INP', 'FCP', 'transferBytes'];
  // Uncorrected: this bench looks for any cost of pagepace's, so each metric is held to p < 0.05
  // alone (correcting for the number of metrics would make a cost harder to find, not the test fairer).
  const c = compare(without, withPp, { metrics, correction: 'none' });
  const med = (r, m) => median(r.runs.map((x) => x.metrics[m]).filter((v) => typeof v === 'number'));
  const addedTbt = med(withPp, 'TBT') - med(without, 'TBT');
  const row = (m) => `| ${m.metric} | ${m.baseline.median.toFixed(1)} | ${m.current.median.toFixed(1)} | ${m.p.toFixed(3)} | ${m.delta.toFixed(2)} (${m.effect}) | ${m.verdict} |`;
  const sig = (name) => c.metrics.find((m) => m.metric === name)?.verdict ?? 'not measured';
  const goals = [
    ['no significant difference in LCP', sig('LCP') !== 'regression', sig('LCP')],
    ['no significant difference in INP', sig('INP') !== 'regression', sig('INP')],
    ['added total blocking time ≤ 2 ms (median)', addedTbt <= 2, `${addedTbt.toFixed(1)} ms`],
  ];
  const markdown = [
    `${runs} runs each side, interleaved, fresh context per run, 4× CPU throttling (\`cpu-4x\`), one click per run. Medians; p from a two-sided Mann–Whitney U test; Cliff's delta of with vs without (positive = larger with pagepace).`,
    '', '| metric | without pagepace | with pagepace | p | Cliff\'s delta | verdict |', '|---|---:|---:|---:|---:|---|',
    ...c.metrics.map(row),
    '', ...goals.map(([g, ok, v]) => `- **${ok ? 'PASS' : 'MISS'}** ${g}: ${v}`),
  ].join('\n');
  return { markdown, json: { runs, comparison: c, addedTbt, goals, without, with: withPp } };
}
