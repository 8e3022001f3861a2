import { eventsOf, expect, sessionOf, test, waitForNames } from './fixtures';

test.describe('binary batches, on the main thread by default or in a Web Worker', () => {
  test('go on the wire as application/vnd.pagepace+binary, encoded by the worker', async ({ page, demo }) => {
    await page.goto('/fixtures/api.html');
    const stats = await page.evaluate(async () => {
      const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, worker: true });
      for (let i = 0; i < 50; i++) pace.track('bin', i, { i, route: '/checkout/step-2' });
      await pace.flush();
      return pace.stats();
    });
    expect(stats).toMatchObject({ encoder: 'worker', sent: 50, dropped: 0 });
    expect(stats.bytes.binary).toBeGreaterThan(0);
    expect(stats.bytes.json).toBe(0);
    const session = await sessionOf(page);
    const entries = demo.store.list().filter((e) => e.batch.sessionId === session);
    expect(entries.every((e) => e.meta.contentType.startsWith('application/vnd.pagepace+binary'))).toBe(true);
    expect(eventsOf(demo, session).map((e) => e.value)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(eventsOf(demo, session)[7]).toMatchObject({ kind: 'custom', name: 'bin', attrs: { i: 7, route: '/checkout/step-2' } });
  });

  for (const encoder of ['main-thread', 'worker'] as const) {
    test(`work under a strict CSP (script-src and worker-src self only), encoded on the ${encoder}`, async ({ page, demo }) => {
      const violations: string[] = [];
      page.on('console', (m) => /Content.Security.Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
      await page.goto(`/fixtures/csp/index.html${encoder === 'worker' ? '?worker' : ''}`);
      await page.click('#work');
      await expect(page.locator('body[data-flushed]')).toBeAttached();
      const stats = JSON.parse((await page.locator('body').getAttribute('data-flushed'))!);
      expect(stats.encoder).toBe(encoder);
      expect(stats.bytes.json).toBe(0);
      expect(stats.sent).toBeGreaterThanOrEqual(30); // the 30 events, and the vitals reported so far
      const events = await waitForNames(demo, await sessionOf(page), ['csp:event']);
      expect(events.filter((e) => e.name === 'csp:event')).toHaveLength(30);
      expect(violations).toEqual([]);
    });
  }

  for (const [policy, encoder] of [['pagepace', 'worker'], ["'none'", 'main-thread']] as const) {
    test(`under Trusted Types allowing ${policy}, a worker: true instance encodes on the ${encoder}, all binary`, async ({ page, demo }) => {
      // Before: the worker's URL was a plain string, which the Worker constructor refuses under
      // require-trusted-types-for: every such page encoded on the main thread.
      await page.route('**/fixtures/csp/index.html?worker', async (route) => {
        const r = await route.fetch();
        const csp = `${r.headers()['content-security-policy']}; require-trusted-types-for 'script'; trusted-types ${policy}`;
        await route.fulfill({ response: r, headers: { ...r.headers(), 'content-security-policy': csp } });
      });
      const refusals: string[] = [];
      page.on('console', (m) => /Content.Security.Policy|Refused to|Trusted/i.test(m.text()) && refusals.push(m.text()));
      await page.goto('/fixtures/csp/index.html?worker');
      expect(await page.evaluate(() => typeof (window as any).trustedTypes)).toBe('object');
      await page.click('#work');
      await expect(page.locator('body[data-flushed]')).toBeAttached();
      const stats = JSON.parse((await page.locator('body').getAttribute('data-flushed'))!);
      expect(stats.encoder).toBe(encoder);
      expect(stats.bytes.json).toBe(0);
      const events = await waitForNames(demo, await sessionOf(page), ['csp:event']);
      expect(events.filter((e) => e.name === 'csp:event')).toHaveLength(30);
      // Allowed: nothing refused. Refused: the browser says so for the policy and the worker's URL, and that is all.
      expect(refusals.length).toBe(policy === 'pagepace' ? 0 : 2);
    });
  }

  test('fall back to the main thread when the worker cannot start', async ({ page, demo }) => {
    await page.goto('/fixtures/api.html');
    const stats = await page.evaluate(async () => {
      const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, worker: { url: '/no-such-worker.js' } });
      pace.track('fallback', 1);
      await pace.flush();
      return pace.stats();
    });
    expect(stats).toMatchObject({ encoder: 'main-thread', sent: 1 });
    expect(stats.bytes.binary).toBeGreaterThan(0);
    expect(eventsOf(demo, await sessionOf(page)).map((e) => e.name)).toEqual(['fallback']);
  });

  test('fall back to the main thread when the worker never answers its first call', async ({ page, demo }) => {
    await page.goto('/fixtures/api.html');
    const stats = await page.evaluate(async () => {
      const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, worker: { url: '/fixtures/silent-worker.js' } });
      pace.track('silent', 1);
      await pace.flush();
      return pace.stats();
    });
    expect(stats).toMatchObject({ encoder: 'main-thread', sent: 1 });
    expect(eventsOf(demo, await sessionOf(page)).map((e) => e.name)).toEqual(['silent']);
  });

  test('batches still in the worker at navigation are sent by the synchronous path, once', async ({ page, demo }) => {
    await page.goto('/fixtures/api.html');
    await page.evaluate(async () => {
      (window as any).pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, worker: true, batch: { maxEvents: 50, maxDelayMs: 600_000 } });
      (window as any).pace.track('warm-up', 0);
      await (window as any).pace.flush(); // the worker is up: the next batches really go through it
    });
    const session = await sessionOf(page);
    await page.evaluate(() => {
      // 120 events: two full batches are handed to the worker, 20 stay queued; then we leave in the same task.
      for (let i = 0; i < 120; i++) (window as any).pace.track(`gone:${i}`, i);
      location.href = '/fixtures/blank.html';
    });
    const names = Array.from({ length: 120 }, (_, i) => `gone:${i}`);
    await waitForNames(demo, session, names);
    await page.waitForTimeout(300);
    const got = eventsOf(demo, session).filter((e) => e.name.startsWith('gone:'));
    expect(got).toHaveLength(120);
  });
});
