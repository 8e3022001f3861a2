import type { Page } from '@playwright/test';
import type { Batch } from '../src/core/types';
import { eventsOf, expect, sessionOf, test, waitForNames } from './fixtures';

/** Requests the page made to the collector (fetches and beacons alike). */
function collectRequests(page: Page) {
  const seen: Array<{ method: string; type: string | undefined; body: string | null }> = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/collect') seen.push({ method: r.method(), type: r.headers()['content-type'], body: r.postData() });
  });
  return seen;
}

test.describe('format json', () => {
  test('a page started with data-format="json" delivers its events to the collector as JSON', async ({ page, demo }) => {
    const requests = collectRequests(page);
    await page.goto('/fixtures/backends/json.html');
    const stats = await page.evaluate(async () => {
      const pace = (window as any).PagePace.instance;
      pace.track('json:cart', 3, { step: 'review', items: 2, vip: true });
      pace.track('json:total', 129.95);
      await pace.flush();
      return pace.stats();
    });
    const session = await sessionOf(page);
    expect(stats).toMatchObject({ dropped: 0, bytes: { binary: 0, otlp: 0 } });
    expect(stats.bytes.json).toBeGreaterThan(0);

    // On the wire: JSON bodies, the batch itself.
    const posted = requests.filter((r) => r.method === 'POST' && r.body?.includes('json:cart'));
    expect(posted).toHaveLength(1);
    expect(posted[0]!.type).toBe('application/json');
    const batch = JSON.parse(posted[0]!.body!) as Batch;
    expect(batch).toMatchObject({ v: 1, sessionId: session, batchId: expect.stringMatching(/.+/), sentAt: expect.any(Number) });
    expect(batch.page).toMatch(/\/fixtures\/backends\/json\.html$/);

    // At the collector, with the events intact.
    const events = await waitForNames(demo, session, ['json:cart', 'json:total']);
    expect(events.find((e) => e.name === 'json:cart')).toMatchObject({ kind: 'custom', value: 3, attrs: { step: 'review', items: 2, vip: true } });
    expect(events.find((e) => e.name === 'json:total')).toMatchObject({ kind: 'custom', value: 129.95 });

    // What is left at page hide goes by beacon, still JSON.
    await page.evaluate(() => (window as any).PagePace.instance.track('json:late', 7));
    await page.click('#away');
    await page.waitForURL('**/fixtures/blank.html');
    await waitForNames(demo, session, ['json:late']);
    const entries = demo.store.list().filter((e) => e.batch.sessionId === session);
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect([...new Set(entries.map((e) => e.meta.contentType))]).toEqual(['application/json']);
    expect(new Set(requests.filter((r) => r.method === 'POST').map((r) => r.type))).toEqual(new Set(['application/json']));
  });
});

test.describe('custom transport', () => {
  type Call = { ok: boolean; unloading: boolean; batch: Batch };
  const callsIn = (page: Page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('backends:calls') ?? '[]')) as Promise<Call[]>;

  test('receives every batch, events intact, while the page lives and at page hide; nothing goes to the endpoint', async ({ page, demo }) => {
    const requests = collectRequests(page);
    await page.goto('/fixtures/backends/transport.html');
    const stats = await page.evaluate(async () => {
      const pace = (window as any).pace;
      pace.track('custom:cart', 3, { step: 'review', items: 2, vip: true });
      pace.track('custom:total', 129.95);
      await pace.flush();
      return pace.stats();
    });
    const session = await sessionOf(page);
    expect(stats).toMatchObject({ sent: 2, dropped: 0, retried: 0, fetches: 0, beacons: 0, bytes: { binary: 0, json: 0, otlp: 0 } });

    const calls = await callsIn(page);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ ok: true, unloading: false });
    const { batch } = calls[0]!;
    expect(batch).toMatchObject({ v: 1, sessionId: session, batchId: expect.stringMatching(/.+/), sentAt: expect.any(Number) });
    expect(batch.page).toMatch(/\/fixtures\/backends\/transport\.html$/);
    expect(batch.events).toEqual([
      { kind: 'custom', name: 'custom:cart', value: 3, ts: expect.any(Number), attrs: { step: 'review', items: 2, vip: true } },
      { kind: 'custom', name: 'custom:total', value: 129.95, ts: expect.any(Number) },
    ]);

    // At page hide the transport is called synchronously, told the page is unloading.
    await page.evaluate(() => (window as any).pace.track('custom:late', 7));
    await page.click('#away');
    await page.waitForURL('**/fixtures/blank.html');
    const atHide = (await callsIn(page)).slice(1);
    expect(atHide.length).toBeGreaterThanOrEqual(1); // custom:late, and pagepace's own stats/lazy/prefetch summaries
    for (const c of atHide) expect(c).toMatchObject({ ok: true, unloading: true, batch: { v: 1, sessionId: session } });
    const late = atHide.flatMap((c) => c.batch.events).filter((e) => e.kind === 'custom');
    expect(late).toEqual([{ kind: 'custom', name: 'custom:late', value: 7, ts: expect.any(Number) }]);
    const ids = [batch, ...atHide.map((c) => c.batch)].map((b) => b.batchId);
    expect(new Set(ids).size).toBe(ids.length);

    // The endpoint was configured too, but the transport replaces it.
    await page.waitForTimeout(500);
    expect(requests).toEqual([]);
    expect(eventsOf(demo, session)).toEqual([]);
  });

  test('a batch the transport refuses (returns false) is retried with the same batchId and counted once', async ({ page, demo }) => {
    const requests = collectRequests(page);
    await page.goto('/fixtures/backends/transport.html?fail=1');
    await page.evaluate(() => {
      (window as any).pace.track('custom:retry', 1);
      void (window as any).pace.flush();
    });
    // The first attempt fails; delivery backs off (about 1 s) and tries again.
    await expect.poll(async () => (await callsIn(page)).map((c) => c.ok), { timeout: 15_000 }).toEqual([false, true]);
    const [failed, delivered] = await callsIn(page);
    expect(delivered!.batch.batchId).toBe(failed!.batch.batchId);
    expect(delivered!.batch.events).toEqual([{ kind: 'custom', name: 'custom:retry', value: 1, ts: expect.any(Number) }]);
    await expect.poll(() => page.evaluate(() => (window as any).pace.stats())).toMatchObject({ sent: 1, dropped: 0, retried: 1 });
    expect(requests).toEqual([]);
    expect(eventsOf(demo, await sessionOf(page))).toEqual([]);
  });
});
