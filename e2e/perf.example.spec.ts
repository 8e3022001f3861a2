// The performance-test example from the README, run against the demo as a user would write it.
import { compare, expectBudgets, loadBaseline, measure, saveBaseline } from 'pagepace/playwright';
import { expect, test } from './fixtures';

const RUNS = Number(process.env.PAGEPACE_PERF_RUNS ?? 5);
test.describe.configure({ timeout: 180_000 });

test('the example page stays within its budgets and does not regress against its baseline', async ({ browser, baseURL }, testInfo) => {
  const interact = async (page: import('@playwright/test').Page) => page.click('#work');
  const results = await measure(browser, '/vitals.html', { baseURL, runs: RUNS, profile: 'cpu-4x', interact });

  expect(results.runs).toHaveLength(RUNS);
  expect(results.runs[0]!.metrics).toEqual(expect.objectContaining({ LCP: expect.any(Number), FCP: expect.any(Number), TTFB: expect.any(Number), CLS: expect.any(Number), INP: expect.any(Number), TBT: expect.any(Number) }));
  expect(results.runs[0]!.pagepace).toMatchObject({ sampled: true }); // the page runs pagepace: its own stats come along
  expectBudgets(results, { LCP: { p75: 2500 }, CLS: 0.25, INP: { p75: 500 }, TBT: { p75: 600 } });

  // A baseline saved by an earlier run (here: written on first use, in the test's output folder).
  const file = testInfo.outputPath('baselines/vitals.json');
  const baseline = (await loadBaseline(file)) ?? (await measure(browser, '/vitals.html', { baseURL, runs: RUNS, profile: 'cpu-4x', interact }));
  await saveBaseline(file, baseline);
  const verdict = compare(baseline, results, { metrics: ['LCP', 'INP', 'CLS', 'TBT'] });
  expect(verdict.verdict, JSON.stringify(verdict.metrics, null, 2)).not.toBe('regression');
});

test('compare() catches a real regression that single runs would blur', async ({ browser, baseURL }) => {
  const interact = async (page: import('@playwright/test').Page) => page.click('#work');
  const before = await measure(browser, '/fixtures/slow.html', { baseURL, runs: RUNS, interact });
  const after = await measure(browser, '/fixtures/slow.html?slow=1', { baseURL, runs: RUNS, interact });
  const c = compare(before, after, { metrics: ['INP', 'TBT', 'longTaskMs'] });
  expect(c.verdict, JSON.stringify(c.metrics, null, 2)).toBe('regression');
  expect(c.metrics.find((m) => m.metric === 'INP')).toMatchObject({ verdict: 'regression' });
  expect(() => expectBudgets(after, { INP: { p75: 150 } })).toThrow(/INP p75 = \d+ ms is over its budget of 150 ms by \d+ ms/);
});
