import { describe, expect, it } from 'vitest';
import type { Batch } from '../core/types';
import { createDelivery } from './delivery';
import type { DeliveryStats } from './delivery';
import { createOutbox } from './outbox';
import type { Outcome } from './retry';
import type { Transport } from './transport';

const batch = (id: string, n = 2): Batch => ({ v: 1, batchId: id, sessionId: 's', page: '/', sentAt: Date.now(), events: Array.from({ length: n }, (_, i) => ({ kind: 'custom', name: `${id}.${i}`, value: i, ts: 1 })) });

function setup(outcome: () => Outcome | Promise<Outcome>, limits = { maxBytes: 1e9, maxAgeMs: 1e12 }, backoff = { baseMs: 60_000, maxMs: 60_000 }) {
  const stats: DeliveryStats = { sent: 0, dropped: 0, retried: 0, rejected: 0 };
  const beaconed: string[] = [];
  const transport: Transport = {
    send: async () => outcome(),
    sendNow: (b) => (beaconed.push(b.batchId), true),
    drain: () => [],
  };
  // eslint-disable-next-line prefer-const
  let delivery: ReturnType<typeof createDelivery>;
  const outbox = createOutbox(limits, (e) => {
    delivery.forget(e.batch);
    stats.dropped += e.batch.events.length;
  }, () => {});
  delivery = createDelivery({ transport, outbox, stats, onError: () => {}, onDropped: () => {}, onIdle: () => {}, backoff });
  return { delivery, stats, beaconed, outbox };
}

describe('delivery', () => {
  it('a batch handed over just before page hide is still sent by the synchronous path', async () => {
    const { delivery, beaconed } = setup(() => new Promise(() => {})); // the send never settles
    void delivery.deliver(batch('a'));
    delivery.unload(undefined); // same task: its outbox write has not landed
    expect(beaconed).toEqual(['a']);
    delivery.stop();
  });

  it('counts a batch as sent once, though it went by beacon and was acknowledged by a later replay', async () => {
    let outcome: Outcome = { kind: 'retry', reason: 'HTTP 503' };
    let sends = 0;
    const { delivery, stats } = setup(() => (sends++, outcome), undefined, { baseMs: 0, maxMs: 0 });
    await delivery.deliver(batch('b'));
    expect(stats).toMatchObject({ sent: 0, retried: 1 });
    delivery.unload(undefined); // the parked batch goes by beacon: counted
    expect(stats.sent).toBe(2);
    outcome = { kind: 'ok' };
    await delivery.replay(); // the outbox copy is sent again and acknowledged
    expect(sends).toBe(2);
    expect(stats.sent).toBe(2);
    delivery.stop();
  });

  it('forgets a parked batch the outbox dropped for its byte bound: not beaconed, not counted as sent', async () => {
    const { delivery, stats, beaconed } = setup(() => ({ kind: 'retry', reason: 'offline' }), { maxBytes: 600, maxAgeMs: 1e12 });
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) await delivery.deliver(batch(id));
    expect(stats.dropped).toBeGreaterThan(0);
    delivery.unload(undefined);
    expect(stats.sent + stats.dropped).toBe(10); // every event is either sent or dropped, never both
    expect(beaconed.length * 2).toBe(stats.sent);
    delivery.stop();
  });
});
