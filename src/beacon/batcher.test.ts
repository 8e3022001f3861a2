import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Batch, PerfEvent } from '../core/types';
import { createBatcher } from './batcher';

const ev = (name: string, extra: Partial<PerfEvent> = {}): PerfEvent => ({ kind: 'custom', name, value: 1, ts: 1_700_000_000_000, ...extra });

function setup(opts: Partial<{ maxEvents: number; maxBytes: number; maxDelayMs: number; maxQueue: number }> = {}, result: boolean | Error = true) {
  const sent: Array<{ batch: Batch; unloading: boolean }> = [];
  const errors: unknown[] = [];
  const b = createBatcher(
    { maxEvents: 3, maxBytes: 10_000, maxDelayMs: 1000, maxQueue: 100, ...opts },
    {
      send: async (batch, unloading) => {
        sent.push({ batch, unloading });
        if (result instanceof Error) throw result;
        return result;
      },
      sessionId: 'sess',
      page: () => 'https://example.test/page',
      onError: (e) => errors.push(e),
    },
  );
  return { b, sent, errors };
}

describe('batcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends when maxEvents are queued', () => {
    const { b, sent } = setup();
    b.add(ev('a'));
    b.add(ev('b'));
    expect(sent).toHaveLength(0);
    b.add(ev('c'));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.batch.events.map((e) => e.name)).toEqual(['a', 'b', 'c']);
  });

  it('sends maxDelayMs after the first queued event', () => {
    const { b, sent } = setup();
    b.add(ev('a'));
    vi.advanceTimersByTime(999);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(1);
  });

  it('sends before a batch would exceed maxBytes', () => {
    const { b, sent } = setup({ maxEvents: 1000, maxBytes: 1024 });
    const big = ev('x', { attrs: { pad: 'p'.repeat(400) } });
    b.add(big);
    b.add(big);
    expect(sent).toHaveLength(0);
    b.add(big); // a third would pass 1,024 bytes: the first two go first
    expect(sent).toHaveLength(1);
    expect(sent[0]!.batch.events).toHaveLength(2);
  });

  it('gives every batch the envelope of the wire format, with a fresh batch id', async () => {
    const { b, sent } = setup();
    b.add(ev('a'));
    await b.flush();
    b.add(ev('b'));
    await b.flush(true);
    expect(sent.map((s) => s.unloading)).toEqual([false, true]);
    const [one, two] = sent.map((s) => s.batch);
    expect(one).toMatchObject({ v: 1, sessionId: 'sess', page: 'https://example.test/page', events: [ev('a')] });
    expect(one!.batchId).toMatch(/^[0-9a-f]{16}$/);
    expect(two!.batchId).not.toBe(one!.batchId);
    expect(b.stats).toMatchObject({ queued: 2, sent: 2, batches: 2, dropped: 0 });
  });

  it('calls send synchronously on flush, so a beacon leaves within the pagehide task', () => {
    const { b, sent } = setup();
    b.add(ev('a'));
    void b.flush(true);
    expect(sent).toHaveLength(1);
  });

  it('counts a failed or rejected send as dropped and never rejects flush', async () => {
    const failed = setup({}, false);
    failed.b.add(ev('a'));
    await failed.b.flush();
    expect(failed.b.stats).toMatchObject({ sent: 0, failed: 1, dropped: 1 });

    const thrown = setup({}, new Error('offline'));
    thrown.b.add(ev('a'));
    await expect(thrown.b.flush()).resolves.toBeUndefined();
    expect(thrown.errors).toHaveLength(1);
    expect(thrown.b.stats.dropped).toBe(1);
  });

  it('bounds the queue and counts what it drops', () => {
    const { b } = setup({ maxEvents: 1000, maxQueue: 5 });
    for (let i = 0; i < 8; i++) b.add(ev(`e${i}`));
    expect(b.stats).toMatchObject({ queued: 5, dropped: 3 });
  });

  it('stop() clears the timer', () => {
    const { b, sent } = setup();
    b.add(ev('a'));
    b.stop();
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
