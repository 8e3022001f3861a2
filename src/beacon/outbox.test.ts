import { describe, expect, it } from 'vitest';
import { createOutbox } from './outbox';
import type { OutboxEntry } from './outbox';

const entry = (id: string, createdAt: number, bytes = 100): OutboxEntry => ({
  batch: { v: 1, batchId: id, sessionId: 's', page: '/', sentAt: createdAt, events: [{ kind: 'custom', name: id, value: 1, ts: createdAt }] },
  bytes, createdAt, attempts: 0, nextAt: 0,
});

// Node has no IndexedDB: these run the outbox in its memory mode, which shares the bound logic
// with the IndexedDB mode (proven in Chromium by e2e/delivery.spec.ts).
describe('outbox bounds', () => {
  it('drops the oldest batches past maxBytes, and says so', async () => {
    const dropped: string[] = [];
    const box = createOutbox({ maxBytes: 250, maxAgeMs: 1e12 }, (e, why) => dropped.push(`${e.batch.batchId}:${why}`), () => {});
    expect(box.persistent).toBe(false);
    const now = Date.now();
    await box.put(entry('a', now - 30));
    await box.put(entry('b', now - 20));
    await box.put(entry('c', now - 10));
    expect(dropped).toEqual(['a:bytes']);
    expect((await box.all()).map((e) => e.batch.batchId)).toEqual(['b', 'c']);
  });

  it('drops batches older than maxAgeMs instead of sending them', async () => {
    const dropped: string[] = [];
    const box = createOutbox({ maxBytes: 1e9, maxAgeMs: 1000 }, (e, why) => dropped.push(`${e.batch.batchId}:${why}`), () => {});
    await box.put(entry('old', Date.now() - 5000));
    await box.put(entry('new', Date.now()));
    expect((await box.all()).map((e) => e.batch.batchId)).toEqual(['new']);
    expect(dropped).toEqual(['old:age']);
  });

  it('removes an acknowledged batch, and re-putting a retried one keeps a single entry', async () => {
    const box = createOutbox({ maxBytes: 1e9, maxAgeMs: 1e12 }, () => {}, () => {});
    const e = entry('x', Date.now());
    await box.put(e);
    await box.put({ ...e, attempts: 1 });
    expect(await box.all()).toHaveLength(1);
    await box.remove(e.batch);
    expect(await box.all()).toHaveLength(0);
  });
});

describe('outbox bounds under concurrent writes', () => {
  it('drops each batch at most once, and only as many as the bound needs, when puts overlap', async () => {
    const dropped: string[] = [];
    const box = createOutbox({ maxBytes: 1000, maxAgeMs: 1e12 }, (e) => dropped.push(e.batch.batchId), () => {});
    const now = Date.now();
    // Twenty batches of 100 bytes written at once (as a flush hands them over): 10 fit.
    await Promise.all(Array.from({ length: 20 }, (_, i) => box.put(entry(`b${i}`, now + i))));
    expect(new Set(dropped).size).toBe(dropped.length);
    expect(dropped).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`));
    expect((await box.all()).map((e) => e.batch.batchId)).toEqual(Array.from({ length: 10 }, (_, i) => `b${i + 10}`));
  });

  it('drops a batch once even when a read (a replay) resolves while the drops are under way', async () => {
    const dropped: string[] = [];
    const box = createOutbox({ maxBytes: 100, maxAgeMs: 1e12 }, (e) => dropped.push(e.batch.batchId), () => {});
    const now = Date.now();
    await Promise.all([box.put(entry('a', now)), box.put(entry('b', now + 1)), box.all(), box.put(entry('c', now + 2)), box.all()]);
    expect(new Set(dropped).size).toBe(dropped.length);
    expect(dropped).toEqual(['a', 'b']);
  });
});
