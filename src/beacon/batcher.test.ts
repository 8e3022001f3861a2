import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Batch, PerfEvent } from '../core/types';
import { createBatcher } from './batcher';

const ev = (name: string, extra: Partial<PerfEvent> = {}): PerfEvent => ({ kind: 'custom', name, value: 1, ts: 1_700_000_000_000, ...extra });

function setup(opts: Partial<{ maxEvents: number; maxBytes: number; maxDelayMs: number; maxQueue: number }> = {}) {
  const delivered: Batch[] = [];
  const unloaded: Array<Batch | undefined> = [];
  let busy = false;
  const b = createBatcher(
    { maxEvents: 3, maxBytes: 10_000, maxDelayMs: 1000, maxQueue: 100, ...opts },
    {
      deliver: async (batch) => void delivered.push(batch),
      unload: (batch) => void unloaded.push(batch),
      busy: () => busy,
      sessionId: 'sess',
      page: () => 'https://example.test/page',
    },
  );
  return { b, delivered, unloaded, setBusy: (v: boolean) => (busy = v) };
}

describe('batcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands over a batch when maxEvents are queued', () => {
    const { b, delivered } = setup();
    b.add(ev('a'));
    b.add(ev('b'));
    expect(delivered).toHaveLength(0);
    b.add(ev('c'));
    expect(delivered.map((x) => x.events.map((e) => e.name))).toEqual([['a', 'b', 'c']]);
  });

  it('hands over maxDelayMs after the first queued event', () => {
    const { b, delivered } = setup();
    b.add(ev('a'));
    vi.advanceTimersByTime(999);
    expect(delivered).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(delivered).toHaveLength(1);
  });

  it('hands over before a batch would exceed maxBytes', () => {
    const { b, delivered } = setup({ maxEvents: 1000, maxBytes: 1024 });
    const big = ev('x', { attrs: { pad: 'p'.repeat(400) } });
    b.add(big);
    b.add(big);
    expect(delivered).toHaveLength(0);
    b.add(big); // a third would pass 1,024 bytes: the first two go first
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.events).toHaveLength(2);
  });

  it('gives every batch the envelope of the wire format, with a fresh batch id', async () => {
    const { b, delivered } = setup();
    b.add(ev('a'));
    await b.flush();
    b.add(ev('b'));
    await b.flush();
    const [one, two] = delivered;
    expect(one).toMatchObject({ v: 1, sessionId: 'sess', page: 'https://example.test/page', events: [ev('a')] });
    expect(one!.batchId).toMatch(/^[0-9a-f]{16}$/);
    expect(two!.batchId).not.toBe(one!.batchId);
    expect(b.stats).toMatchObject({ queued: 2, batches: 2, overflow: 0 });
  });

  it('at page hide hands everything over synchronously in one batch, split only where it would pass maxBytes', () => {
    const { b, unloaded, setBusy } = setup({ maxEvents: 2 });
    setBusy(true); // delivery is saturated: events wait in the queue
    for (let i = 0; i < 5; i++) b.add(ev(`e${i}`));
    void b.flush(true);
    expect(unloaded.map((x) => x?.events.length)).toEqual([5]);

    const big = setup({ maxEvents: 1000, maxBytes: 1024 });
    big.setBusy(true);
    for (let i = 0; i < 5; i++) big.b.add(ev(`e${i}`, { attrs: { pad: 'p'.repeat(400) } }));
    void big.b.flush(true);
    expect(big.unloaded.map((x) => x?.events.length)).toEqual([2, 2, 1]);
  });

  it('peek() shows the open batch with the id the hand-over will give it', () => {
    const { b, delivered } = setup({ maxEvents: 10 });
    expect(b.peek()).toBeUndefined();
    b.add(ev('a'));
    const first = b.peek()!;
    b.add(ev('b'));
    const open = b.peek()!;
    expect(open.batchId).toBe(first.batchId);
    expect(open.events.map((e) => e.name)).toEqual(['a', 'b']);
    void b.flush();
    expect(delivered[0]!.batchId).toBe(open.batchId);
    b.add(ev('c'));
    expect(b.peek()!.batchId).not.toBe(open.batchId);
  });

  it('at page hide with nothing queued still lets delivery send what it holds', () => {
    const { b, unloaded } = setup();
    void b.flush(true);
    expect(unloaded).toEqual([undefined]);
  });

  it('holds full batches back while delivery is busy, and pump() hands them over later', () => {
    const { b, delivered, setBusy } = setup();
    setBusy(true);
    for (let i = 0; i < 7; i++) b.add(ev(`e${i}`));
    expect(delivered).toHaveLength(0);
    setBusy(false);
    b.pump();
    expect(delivered.map((x) => x.events.length)).toEqual([3, 3]);
  });

  it('bounds the queue and counts what it refuses', () => {
    const { b, setBusy } = setup({ maxQueue: 5 });
    setBusy(true);
    for (let i = 0; i < 8; i++) b.add(ev(`e${i}`));
    expect(b.stats).toMatchObject({ queued: 5, overflow: 3 });
  });

  it('stop() clears the timer', () => {
    const { b, delivered } = setup();
    b.add(ev('a'));
    b.stop();
    vi.advanceTimersByTime(5000);
    expect(delivered).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('batcher byte bound', () => {
  it('never forms a batch over maxBytes, even from a queue that grew while delivery was busy', () => {
    const { b, delivered, setBusy } = setup({ maxEvents: 100, maxBytes: 1024 });
    setBusy(true);
    for (let i = 0; i < 10; i++) b.add(ev(`big${i}`, { attrs: { pad: 'p'.repeat(300) } }));
    setBusy(false);
    void b.flush();
    expect(delivered.length).toBeGreaterThan(1);
    for (const batch of delivered) expect(JSON.stringify(batch.events).length).toBeLessThanOrEqual(1024 + 50);
    expect(delivered.flatMap((x) => x.events)).toHaveLength(10);
  });
});
