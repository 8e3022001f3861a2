import { expect, test } from './fixtures';

test('the dashboard shows a metric that another page just sent', async ({ context, demo }) => {
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

  // And a real vital, with its rating, in the cards and the per-page table.
  await app.goto('/vitals.html');
  await app.click('#work');
  await app.goto('/fixtures/blank.html');
  const lcpCard = dashboard.locator('.card[data-vital="LCP"] .value');
  await expect(lcpCard).toHaveText(/^\d+ ms$/);
  await expect(lcpCard).toHaveClass(/good|needs-improvement|poor/);
  await expect(dashboard.locator('#pages tbody tr').first()).toContainText('/vitals.html');
  void demo;
});
