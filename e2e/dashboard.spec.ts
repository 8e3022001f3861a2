import { expect, test } from './fixtures';

test('the dashboard shows a metric that another page just sent', async ({ context }) => {
  const dashboard = await context.newPage();
  await dashboard.goto('/');
  await expect(dashboard.locator('#status')).toContainText('live');

  const app = await context.newPage();
  await app.goto('/fixtures/api.html');
  await app.evaluate(async () => {
    const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false });
    pace.track('dashboard:probe', 4321);
    await pace.flush();
  });
  await expect(dashboard.locator('#feed li[data-name="dashboard:probe"]')).toContainText('custom dashboard:probe = 4321');
  await expect(dashboard.locator('#metrics tr[data-metric="dashboard:probe"]')).toContainText('4321');

  // And a real vital, with its rating, in the scorecard and the routes table.
  await app.goto('/vitals.html');
  await app.click('#work');
  await app.goto('/fixtures/blank.html');
  const lcpCard = dashboard.locator('.card[data-vital="LCP"] .value');
  await expect(lcpCard).toHaveText(/^\d+ ms$/);
  await expect(lcpCard).toHaveClass(/good|needs-improvement|poor/);
  await expect(dashboard.locator('#routes tbody')).toContainText('/vitals.html');
});

test('after traffic from several pages, the scorecard and charts show the field percentiles', async ({ page, context, request, demo }, testInfo) => {
  // Several real pages, each visited and left so all five vitals arrive.
  const app = await context.newPage();
  for (const path of ['/vitals.html', '/fixtures/npm-app.html', '/vitals.html?second']) {
    await app.goto(path);
    await app.click('#work');
    await app.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
    await app.goto('/fixtures/blank.html');
  }
  // And 10,000 synthetic events straight to the collector, as a busy site would send.
  const now = Date.now();
  for (let b = 0; b < 200; b++) {
    const events = Array.from({ length: 50 }, (_, i) => ({ kind: 'vital', name: 'LCP', value: 800 + ((b * 50 + i) % 3000), unit: 'ms', rating: 'good', ts: now - (200 - b) * 100, id: `v5-${b}-${i}` }));
    const res = await request.post('/collect', { data: { v: 1, batchId: `load-${b}`, sessionId: `load-s${b % 20}`, page: 'http://127.0.0.1/load', sentAt: now, events } });
    expect(res.status()).toBe(204);
  }
  const t0 = Date.now();
  await page.goto('/');
  await expect(page.locator('.card[data-vital="LCP"] .value')).toHaveText(/ms$/);
  const firstRenderMs = Date.now() - t0;
  await expect(page.locator('[data-chart="LCP"] canvas')).toBeVisible();

  // The rendered values are the field summary's, not placeholders.
  const field = demo.field.snapshot() as any;
  for (const name of ['LCP', 'CLS', 'FCP', 'TTFB']) {
    const m = field.metrics[name];
    const expected = name === 'CLS' ? m.p75.toFixed(3) : `${Math.round(m.p75)} ms`;
    await expect(page.locator(`.card[data-vital="${name}"] .value`)).toHaveText(expected);
    await expect(page.locator(`.card[data-vital="${name}"] [data-grade]`)).toHaveText(m.grade);
  }
  await expect(page.locator('#overall')).toHaveText(field.overall);
  expect(field.metrics.LCP.count).toBeGreaterThanOrEqual(10_000);
  await expect(page.locator('#status')).toContainText(`${field.events.toLocaleString('en-US')} events`);

  const shot = testInfo.outputPath('dashboard.png');
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('dashboard', { path: shot, contentType: 'image/png' });
  await page.setViewportSize({ width: 390, height: 844 });
  const phone = testInfo.outputPath('dashboard-phone.png');
  await page.screenshot({ path: phone, fullPage: true });
  await testInfo.attach('dashboard-phone', { path: phone, contentType: 'image/png' });
  // Phone width: nothing wider than the screen except the scrollable tables.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  console.log(`dashboard: first render with ${field.events} events took ${firstRenderMs} ms`);
});
