// Regenerates the README's screenshot of the dashboard (docs/dashboard.png) from a realistic
// traffic mix: real visits in Chromium to the demo's pages (the example page, the next page, the
// single-page app), then ~10,000 events of synthetic sessions (demo/traffic.js).
//
//   node demo/screenshot.mjs [--phone]     (--phone: docs/dashboard-phone.png too)
// dist/ must be built.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../bench/lib/chromium.mjs';
import { startDemoServer } from './server.js';
import { postTraffic, realisticTraffic } from './traffic.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = await startDemoServer({ quiet: true });
const browser = await launchChromium();
try {
  // Real pages, each left so its last vitals and counters are sent.
  for (let visit = 0; visit < 3; visit++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${demo.url}/vitals.html`);
    await page.click('#work');
    await page.click('#mark');
    await page.waitForTimeout(300);
    await page.click('#next');
    await page.waitForLoadState('load');
    await page.goto(`${demo.url}/spa/`);
    for (const link of ['products', 'cart']) {
      await page.click(`nav a[href="/spa/${link}"]`);
      await page.click('#work');
      await page.waitForTimeout(200);
    }
    await page.goto(`${demo.url}/next.html`);
    await page.waitForTimeout(300);
    await context.close();
  }
  await postTraffic(`${demo.url}/collect`, realisticTraffic());

  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  await page.goto(`${demo.url}/`);
  await page.waitForFunction(() => document.querySelectorAll('[data-chart] canvas').length === 5 && /\d/.test(document.querySelector('#tiers td[data-col="rate"]')?.textContent ?? ''));
  await page.waitForTimeout(1500); // the feed and a fresh summary
  // Every card's rating at p75 agrees with its shares: good only with ≥ 75 % good, poor only with > 25 % poor.
  const cards = await page.$$eval('.card[data-vital]', (els) => els.map((el) => ({
    name: el.getAttribute('data-vital'),
    rating: el.querySelector('[data-rating]')?.textContent,
    good: parseFloat(el.querySelector('[data-share="good"]')?.textContent ?? 'NaN'),
    poor: parseFloat(el.querySelector('[data-share="poor"]')?.textContent ?? 'NaN'),
  })));
  for (const c of cards) {
    const ok = c.rating === 'good' ? c.good >= 75 : c.rating === 'poor' ? c.poor > 25 : c.good < 75 && c.poor <= 25;
    if (!ok) throw new Error(`${c.name}: ${c.rating} at p75 but ${c.good}% good, ${c.poor}% poor`);
  }
  await page.screenshot({ path: join(root, 'docs', 'dashboard.png'), fullPage: true });
  if (process.argv.includes('--phone')) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(root, 'docs', 'dashboard-phone.png'), fullPage: true });
  }
  const s = demo.field.snapshot();
  console.log(`docs/dashboard.png: ${s.events} events from ${s.sessions} sessions; ${cards.map((c) => `${c.name} ${c.rating} (${c.good}% good)`).join(', ')}`);
} finally {
  await browser.close();
  await demo.close();
}
