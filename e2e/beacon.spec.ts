import { readFileSync } from 'node:fs';
import { eventsOf, expect, sessionOf, test, waitForNames } from './fixtures';

test.describe('createPagePace in a page', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/fixtures/api.html');
  });

  test('flush() sends queued events at once', async ({ page, demo }) => {
    await page.evaluate(() => {
      // A long delay and a high count: only flush() can send these now.
      (window as any).pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, batch: { maxDelayMs: 600_000, maxEvents: 1000 } });
      (window as any).pace.track('cart:items', 3, { step: 'review' });
    });
    const session = await sessionOf(page);
    await page.waitForTimeout(300);
    expect(eventsOf(demo, session)).toHaveLength(0);
    const t0 = Date.now();
    await page.evaluate(() => (window as any).pace.flush());
    expect(Date.now() - t0).toBeLessThan(2000);
    const [e] = eventsOf(demo, session); // flush() resolved: the collector already has it
    expect(e).toMatchObject({ kind: 'custom', name: 'cart:items', value: 3, attrs: { step: 'review' } });
    expect(await page.evaluate(() => (window as any).pace.stats())).toMatchObject({ queued: 1, sent: 1, dropped: 0, batches: 1, fetches: 1 });
  });

  test('mark, measure and track become events; onMetric sees each one', async ({ page, demo }) => {
    const seen = await page.evaluate(async () => {
      const seen: string[] = [];
      const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, onMetric: (e: { kind: string; name: string }) => seen.push(`${e.kind}:${e.name}`) });
      pace.mark('a');
      await new Promise((r) => setTimeout(r, 20));
      pace.mark('b');
      pace.measure('a-to-b', 'a', 'b');
      pace.track('n', 2);
      await pace.flush();
      return seen;
    });
    expect(seen).toEqual(['mark:a', 'mark:b', 'measure:a-to-b', 'custom:n']);
    const events = eventsOf(demo, await sessionOf(page));
    expect(events.find((e) => e.name === 'a-to-b')!.value).toBeGreaterThanOrEqual(15);
    expect(events.find((e) => e.name === 'b')!.value).toBeGreaterThan(events.find((e) => e.name === 'a')!.value);
  });

  test('bad arguments throw a PagePaceError that says how to fix them', async ({ page }) => {
    const errors = await page.evaluate(() => {
      const { createPagePace, PagePaceError } = (window as any).PagePace;
      const out: string[] = [];
      const attempt = (fn: () => unknown) => { try { fn(); out.push('no error'); } catch (e) { out.push(e instanceof PagePaceError ? (e as Error).message : `wrong error: ${String(e)}`); } };
      attempt(() => createPagePace({ batch: { maxEvents: 0 } }));
      const pace = createPagePace({ vitals: false });
      attempt(() => pace.track('x', 'slow'));
      attempt(() => pace.track('', 1));
      attempt(() => pace.track('x', 1, { nested: { a: 1 } }));
      attempt(() => pace.measure('m', 'never-marked'));
      return out;
    });
    expect(errors).toEqual([
      'pagepace: batch.maxEvents must be an integer from 1 to 1000; received 0.',
      'pagepace: track(value) must be a finite number; received "slow".',
      'pagepace: track(name) must be a non-empty string of at most 200 characters; received "".',
      'pagepace: track(attrs).nested must be a string, a finite number or a boolean (attrs are flat); received an object.',
      'pagepace: measure("m") needs existing marks; received "never-marked", which has not been marked. Call mark("never-marked") first.',
    ]);
  });

  test('a throwing onMetric or beforeSend never reaches the page, and the event still goes', async ({ page, demo }) => {
    const stats = await page.evaluate(async () => {
      const pace = (window as any).PagePace.createPagePace({
        endpoint: '/collect', vitals: false,
        onMetric: () => { throw new Error('user bug'); },
        beforeSend: () => { throw new Error('user bug'); },
      });
      pace.track('still-sent', 1);
      await pace.flush();
      return pace.stats();
    });
    expect(stats.errors).toBe(2);
    expect(eventsOf(demo, await sessionOf(page)).map((e) => e.name)).toEqual(['still-sent']);
  });

  test('beforeSend can edit or drop events, and query strings are stripped from URLs', async ({ page, demo }) => {
    await page.goto('/fixtures/api.html?token=secret#frag');
    await page.evaluate(async () => {
      const pace = (window as any).PagePace.createPagePace({
        endpoint: '/collect', vitals: false,
        beforeSend: (e: any) => (e.name === 'drop-me' ? null : { ...e, attrs: { ...e.attrs, edited: true } }),
      });
      pace.track('keep', 1, { url: 'https://shop.test/cart?user=42#x' });
      pace.track('drop-me', 1);
      await pace.flush();
    });
    const [batch] = demo.store.list().filter((b) => b.batch.sessionId === 'x' || b.batch.events.some((e) => e.name === 'keep')).map((b) => b.batch);
    expect(batch!.page).toMatch(/\/fixtures\/api\.html$/);
    expect(batch!.events).toEqual([expect.objectContaining({ name: 'keep', attrs: { url: 'https://shop.test/cart', edited: true } })]);
  });

  test('events recorded in the same task as a navigation away all reach the collector', async ({ page, demo }) => {
    await page.evaluate(() => {
      (window as any).pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, batch: { maxDelayMs: 600_000, maxEvents: 1000 } });
    });
    const session = await sessionOf(page);
    await page.evaluate(() => {
      for (let i = 0; i < 20; i++) (window as any).pace.track(`last:${i}`, i);
      location.href = '/fixtures/blank.html';
    });
    const names = Array.from({ length: 20 }, (_, i) => `last:${i}`);
    const events = await waitForNames(demo, session, names);
    expect(events.filter((e) => e.name.startsWith('last:'))).toHaveLength(20); // each exactly once
  });

  test('sampleRate 0 sends nothing, but the page still gets its summary', async ({ page, demo }) => {
    const summary = await page.evaluate(async () => {
      const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, sampleRate: 0 });
      pace.track('t', 5);
      await pace.flush();
      return { s: pace.summary(), stats: pace.stats() };
    });
    expect(summary.s.t).toMatchObject({ count: 1, p50: 5 });
    expect(summary.stats).toMatchObject({ sampled: false, sent: 0 });
    expect(eventsOf(demo, await sessionOf(page))).toHaveLength(0);
  });
});

test('destroy() leaves no listener, observer or timer behind, and the page as it was', async ({ page, demo }) => {
  await page.addInitScript({ content: readFileSync(new URL('./fixtures/leaks.js', import.meta.url), 'utf8') });
  await page.goto('/fixtures/api.html');
  const result = await page.evaluate(async () => {
    const live = (window as any).__live as () => { listeners: number; timers: number; observers: number };
    const before = live();
    const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect', vitals: false, lazy: false, prefetch: false });
    await pace.flush(); // finishes start-up now rather than in idle time
    pace.track('pending', 1); // arms the batch timer
    const during = live();
    await pace.destroy();
    const after = live();
    pace.track('after-destroy', 1);
    await pace.flush();
    return { before, during, after };
  });
  expect(result.during.listeners).toBeGreaterThan(result.before.listeners);
  expect(result.during.timers).toBeGreaterThan(result.before.timers);
  expect(result.after).toEqual(result.before);
  const names = eventsOf(demo, await sessionOf(page)).map((e) => e.name);
  expect(names).toEqual(['pending']); // destroy flushed; nothing recorded after it
});

test('destroy() with vitals on: web-vitals cannot unsubscribe, so its reports go quiet instead', async ({ page, demo }) => {
  await page.goto('/fixtures/api.html');
  await page.evaluate(async () => {
    const pace = (window as any).PagePace.createPagePace({ endpoint: '/collect' });
    await new Promise((r) => setTimeout(r, 200));
    await pace.destroy();
  });
  const session = await sessionOf(page);
  const before = eventsOf(demo, session).length;
  await page.click('#work');
  await page.goto('/fixtures/blank.html');
  await page.waitForTimeout(500);
  expect(eventsOf(demo, session)).toHaveLength(before);
});
