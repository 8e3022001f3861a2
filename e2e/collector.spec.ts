import { eventsOf, expect, test } from './fixtures';

const batch = (over: Record<string, unknown> = {}) => ({
  v: 1, batchId: 'b-' + Math.random().toString(16).slice(2), sessionId: 's-collector', page: 'http://127.0.0.1/x', sentAt: Date.now(),
  events: [{ kind: 'custom', name: 'n', value: 1, ts: Date.now() }], ...over,
});

test.describe('the collector at /collect', () => {
  test('accepts a batch with 204 and delivers a repeated batchId only once', async ({ request, demo }) => {
    const body = batch({ sessionId: 's-dup' });
    for (let i = 0; i < 3; i++) {
      const res = await request.post('/collect', { data: body });
      expect(res.status()).toBe(204);
    }
    expect(eventsOf(demo, 's-dup')).toHaveLength(1);
  });

  test('answers malformed JSON and wrong shapes with 400 and the reason', async ({ request }) => {
    // A Buffer, so Playwright sends these bytes as they are rather than JSON-encoding a string.
    const bad = await request.post('/collect', { data: Buffer.from('{"v":1,'), headers: { 'Content-Type': 'application/json' } });
    expect(bad.status()).toBe(400);
    expect(await bad.text()).toMatch(/json/i);
    const wrong = await request.post('/collect', { data: batch({ events: [{ kind: 'custom', name: 'n', value: 'abc', ts: 1 }] }) });
    expect(wrong.status()).toBe(400);
    expect(await wrong.text()).toContain('events[0].value');
  });

  test('answers other methods with 405 and Allow, and CORS preflight with 204', async ({ request }) => {
    const get = await request.get('/collect');
    expect(get.status()).toBe(405);
    expect(get.headers()['allow']).toContain('POST');
    const pre = await request.fetch('/collect', { method: 'OPTIONS', headers: { Origin: 'http://elsewhere.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expect(pre.status()).toBe(204);
    expect(pre.headers()['access-control-allow-methods']).toContain('POST');
  });

  test('answers an oversize body with 413 and keeps serving', async ({ request }) => {
    const huge = batch({ events: Array.from({ length: 2000 }, (_, i) => ({ kind: 'custom', name: `n${i}`, value: i, ts: 1, attrs: { pad: 'x'.repeat(40) } })) });
    const res = await request.post('/collect', { data: huge });
    expect(res.status()).toBe(413);
    expect((await request.post('/collect', { data: batch() })).status()).toBe(204);
  });

  test('answers an unknown content type with 415', async ({ request }) => {
    const res = await request.post('/collect', { data: 'hello', headers: { 'Content-Type': 'application/xml' } });
    expect(res.status()).toBe(415);
  });
});
