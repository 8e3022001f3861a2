import { describe, expect, it, vi } from 'vitest';
import type { Batch } from '../core/types';
import { createBatcher } from './batcher';
import { createDelivery, MAX_IN_FLIGHT } from './delivery';
import type { DeliveryStats } from './delivery';
import { journalWrite } from './journal';
import { createOutbox } from './outbox';
import { FRESH_HOLD_MS } from '../shared/swContract';
import { splitSignals } from './signals';
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

  it('at page hide the open batch, never written to the outbox, costs no outbox transaction; a batch from the outbox is removed at the next task', async () => {
    const { delivery, beaconed, outbox } = setup(() => new Promise(() => {})); // the send never settles
    const removed: string[] = [];
    const remove = outbox.remove.bind(outbox);
    outbox.remove = (b) => (removed.push(b.batchId), remove(b));
    void delivery.deliver(batch('live'));
    delivery.unload(batch('open'));
    expect(beaconed).toEqual(['live', 'open']);
    await new Promise((r) => setTimeout(r, 0));
    expect(removed).toEqual(['live']);
    delivery.stop();
  });

  it('a batch waiting for its send lock at page hide goes by the synchronous path, and is not sent again once the lock is granted', async () => {
    // Web Locks grant asynchronously; a navigation in that moment found the batch neither unsent nor in the transport.
    const grants: Array<() => void> = [];
    vi.stubGlobal('navigator', {
      locks: { request: (_name: string, _opts: object, fn: (lock: object) => Promise<unknown>) => new Promise((r) => grants.push(() => r(fn({})))) },
    });
    try {
      let sends = 0;
      const { delivery, beaconed } = setup(() => (sends++, { kind: 'ok' }));
      const sent = delivery.deliver(batch('l'));
      await vi.waitFor(() => expect(grants).toHaveLength(1)); // outbox written, lock asked for
      delivery.unload(undefined);
      expect(beaconed).toEqual(['l']);
      grants[0]!();
      await sent;
      expect(sends).toBe(0);
      delivery.stop();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a batch waiting for a retry goes by beacon at hide when the outbox is memory-only, counted once, never sent again', async () => {
    let outcome: Outcome = { kind: 'retry', reason: 'HTTP 503' };
    let sends = 0;
    const { delivery, stats } = setup(() => (sends++, outcome), undefined, { baseMs: 0, maxMs: 0 });
    await delivery.deliver(batch('b'));
    expect(stats).toMatchObject({ sent: 0, retried: 1 });
    delivery.unload(undefined); // the parked batch goes by beacon: counted
    expect(stats.sent).toBe(2);
    outcome = { kind: 'ok' };
    await delivery.replay(); // the browser took it: nothing left to send again
    expect(sends).toBe(1);
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

/** A transport whose sends stay open until the test settles them: shows how many run at once. */
function gatedSetup(opts: { maxInFlight?: number; maxInFlightBytes?: number } = {}) {
  const stats: DeliveryStats = { sent: 0, dropped: 0, retried: 0, rejected: 0 };
  const open = new Map<string, () => void>();
  const sends: string[] = [];
  const beaconed: string[] = [];
  let most = 0;
  const transport: Transport = {
    send: (b) => new Promise<Outcome>((resolve) => {
      sends.push(b.batchId);
      open.set(b.batchId, () => resolve({ kind: 'ok' }));
      most = Math.max(most, open.size);
    }).finally(() => open.delete(b.batchId)),
    sendNow: (b) => (beaconed.push(b.batchId), true),
    drain: () => [],
  };
  let idle = () => {};
  let delivery: ReturnType<typeof createDelivery>;
  const outbox = createOutbox({ maxBytes: 1e9, maxAgeMs: 1e12 }, (e) => delivery.forget(e.batch), () => {});
  delivery = createDelivery({ transport, outbox, stats, onError: () => {}, onDropped: () => {}, onIdle: () => idle(), ...opts });
  const tick = () => new Promise((r) => setTimeout(r, 0));
  /** Answers every open send, round after round, until nothing is left to send. */
  const settle = async () => {
    await tick();
    while (open.size) {
      for (const ok of [...open.values()]) ok();
      await tick();
    }
  };
  return { delivery, stats, outbox, open, sends, beaconed, settle, tick, most: () => most, onIdle: (f: () => void) => (idle = f) };
}

describe('delivery in-flight bound', () => {
  it('a flush of 1,000 events runs at most 4 sends at once; the rest wait and go as slots free, each once', async () => {
    const { delivery, stats, sends, settle, most, onIdle } = gatedSetup();
    const batcher = createBatcher({ maxEvents: 50, maxBytes: 60_000, maxDelayMs: 600_000, maxQueue: 1000 }, {
      deliver: (b) => delivery.deliver(b), unload: () => {}, busy: () => delivery.busy(), sessionId: 's', page: () => '/',
    });
    onIdle(() => batcher.pump());
    for (let i = 0; i < 1000; i++) batcher.add({ kind: 'custom', name: `e${i}`, value: i, ts: 1 });
    const flushed = batcher.flush(); // hands every queued event over at once, whatever busy() says
    await settle();
    await flushed;
    expect(most()).toBe(MAX_IN_FLIGHT);
    expect(sends).toHaveLength(20);
    expect(new Set(sends).size).toBe(20); // never sent twice
    expect(stats).toMatchObject({ sent: 1000, dropped: 0 });
    delivery.stop();
  });

  it('keeps the bytes in flight within the keepalive budget: large batches go fewer at a time', async () => {
    const { delivery, stats, settle, most } = gatedSetup();
    const big = (id: string): Batch => ({ ...batch(id, 1), events: [{ kind: 'custom', name: id, value: 1, ts: 1, attrs: { pad: 'p'.repeat(25_000) } }] });
    const done = Promise.all(['b1', 'b2', 'b3', 'b4', 'b5'].map((id) => delivery.deliver(big(id))));
    await settle();
    await done;
    expect(most()).toBe(2); // 2 × ~25 KB fit 60,000 bytes; a third would not
    expect(stats.sent).toBe(5);
    delivery.stop();
  });

  it('replays and new batches share the same slots', async () => {
    const { delivery, stats, outbox, sends, settle, most, tick } = gatedSetup();
    for (let i = 0; i < 6; i++) await outbox.put({ batch: batch(`old${i}`), bytes: 300, createdAt: Date.now() - 1000 + i, attempts: 1, nextAt: 0 });
    const replayed = delivery.replay();
    await tick();
    // A replay backlog holds the slots, but does not stop the batcher handing over new batches:
    // they wait for a slot behind it. busy() bounds only the new ones (4 × maxEvents in memory).
    expect(delivery.busy()).toBe(false);
    const fresh = Promise.all([1, 2, 3, 4].map((i) => delivery.deliver(batch(`new${i}`))));
    await tick();
    expect(delivery.busy()).toBe(true);
    await settle();
    await Promise.all([replayed, fresh]);
    expect(most()).toBe(MAX_IN_FLIGHT);
    expect([...sends].sort()).toEqual(['new1', 'new2', 'new3', 'new4', 'old0', 'old1', 'old2', 'old3', 'old4', 'old5']);
    expect(stats.sent).toBe(20);
    delivery.stop();
  });

  it('a batch waiting for a slot at page hide goes by beacon, and is not sent again when its slot frees', async () => {
    const { delivery, stats, sends, beaconed, settle, tick } = gatedSetup({ maxInFlight: 1 });
    const done = Promise.all(['w1', 'w2', 'w3'].map((id) => delivery.deliver(batch(id))));
    await tick();
    expect(sends).toEqual(['w1']);
    delivery.unload(undefined);
    expect(beaconed.sort()).toEqual(['w2', 'w3']);
    await settle();
    await done;
    expect(sends).toEqual(['w1']);
    expect(stats.sent).toBe(6); // each counted once
    delivery.stop();
  });

  it('a live send the browser takes at page hide leaves the outbox alone then, and the next load removes it unsent', async () => {
    // WebKit never completes an IndexedDB transaction begun at pagehide (journal.ts): a tombstone in
    // localStorage stands in for the removal.
    const store = new Map<string, string>();
    const ls = { get length() { return store.size; }, key: (i: number) => [...store.keys()][i] ?? null, getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
    (globalThis as { localStorage?: unknown }).localStorage = ls;
    try {
      const outbox = createOutbox({ maxBytes: 1e9, maxAgeMs: 1e12 }, () => {}, () => {});
      let sends = 0;
      const stats: DeliveryStats = { sent: 0, dropped: 0, retried: 0, rejected: 0 };
      const page = (pending: boolean) => createDelivery({ outbox, stats, onError: () => {}, onDropped: () => {}, onIdle: () => {}, transport: {
        send: () => (sends++, pending ? new Promise<Outcome>(() => {}) : Promise.resolve<Outcome>({ kind: 'ok' })),
        sendNow: () => true,
        drain: () => (pending ? [batch('live')] : []),
      } });
      const first = page(true);
      void first.deliver(batch('live'));
      await new Promise((r) => setTimeout(r, 0)); // its outbox write lands, its fetch is under way
      const removes: unknown[] = [];
      const remove = outbox.remove;
      outbox.remove = (b) => (removes.push(b), remove(b));
      first.unload(undefined, true);
      expect(removes).toEqual([]); // nothing asked of the outbox inside pagehide
      expect([...store.keys()]).toEqual(['pagepace:sent:s:live']);
      outbox.remove = remove;
      first.stop(); // the page is gone before its deferred removal runs
      sends = 0;
      await page(false).replay();
      expect(sends).toBe(0);
      expect(await outbox.all()).toEqual([]);
      expect(store.size).toBe(0);
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage;
    }
  });
});

describe('delivery across tabs sharing one outbox', () => {
  /** A tab: its own delivery over the shared outbox; its sends stay open until answered. */
  const tab = (outbox: ReturnType<typeof createOutbox>, name: string, sends: string[], maxInFlight = 4) => {
    const open: Array<() => void> = [];
    const stats: DeliveryStats = { sent: 0, dropped: 0, retried: 0, rejected: 0 };
    const delivery = createDelivery({ outbox, stats, maxInFlight, onError: () => {}, onDropped: () => {}, onIdle: () => {}, transport: {
      send: (b) => new Promise<Outcome>((r) => (sends.push(`${name}:${b.batchId}`), open.push(() => r({ kind: 'ok' })))),
      sendNow: () => true,
      drain: () => [],
    } });
    const answer = async () => {
      while (open.length) open.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    };
    return { delivery, stats, answer };
  };
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it("another tab's replay leaves a page's fresh batch to that page, and takes it only once its hold is over; the page then does not send it again", async () => {
    const outbox = createOutbox({ maxBytes: 1e9, maxAgeMs: 1e12 }, () => {}, () => {});
    const sends: string[] = [];
    const a = tab(outbox, 'A', sends, 1);
    const b = tab(outbox, 'B', sends);
    // Web Locks as the browser grants them: a lock held by one tab is refused to another (ifAvailable).
    const held = new Set<string>();
    vi.stubGlobal('navigator', { locks: { request: async (name: string, _o: object, fn: (lock: object | null) => Promise<unknown>) => {
      if (held.has(name)) return fn(null);
      held.add(name);
      try {
        return await fn({});
      } finally {
        held.delete(name);
      }
    } } });
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    try {
      // Tab A: one send under way, a second batch in the outbox waiting for A's only slot.
      const first = a.delivery.deliver(batch('a1'));
      const second = a.delivery.deliver(batch('a2'));
      await tick();
      expect(sends).toEqual(['A:a1']);
      // Tab B loads and replays the outbox: both are A's to send.
      await b.delivery.replay();
      expect(sends).toEqual(['A:a1']);
      // A stalls past the hold: now B's replay may take the waiting batch (a1 is A's, under its send lock).
      clock.mockReturnValue(now + FRESH_HOLD_MS + 1);
      const replayed = b.delivery.replay();
      await tick();
      await b.answer();
      await replayed;
      expect(sends).toEqual(['A:a1', 'B:a2']);
      expect(b.stats.sent).toBe(2);
      // A's slot frees: a2 is gone from the outbox, acknowledged by B, and A does not send it again.
      await a.answer();
      await Promise.all([first, second]);
      await a.answer();
      expect(sends).toEqual(['A:a1', 'B:a2']);
      expect(a.stats.sent).toBe(2);
      expect(await outbox.all()).toEqual([]);
    } finally {
      clock.mockRestore();
      vi.unstubAllGlobals();
      a.delivery.stop();
      b.delivery.stop();
    }
  });
});

describe('delivery of batches split by OTLP signal', () => {
  /** A batch of `n` custom events and `v` web vitals. */
  const mixed = (id: string, n = 2, v = 1): Batch => {
    const b = batch(id, n);
    return { ...b, events: [...b.events, ...Array.from({ length: v }, (_, i) => ({ kind: 'vital', name: 'LCP', value: 100 + i, unit: 'ms', rating: 'good' as const, ts: 1, id: `v${i}` }))] };
  };
  function splitSetup(outcome: (b: Batch) => Outcome) {
    const stats: DeliveryStats = { sent: 0, dropped: 0, retried: 0, rejected: 0 };
    const sends: string[] = [];
    const beaconed: string[] = [];
    const transport: Transport = {
      send: async (b) => (sends.push(b.batchId), outcome(b)),
      sendNow: (b) => (beaconed.push(b.batchId), true),
      drain: () => [],
    };
    const outbox = createOutbox({ maxBytes: 1e9, maxAgeMs: 1e12 }, () => {}, () => {});
    const delivery = createDelivery({ transport, outbox, stats, onError: () => {}, onDropped: () => {}, onIdle: () => {}, backoff: { baseMs: 0, maxMs: 0 }, split: splitSignals });
    return { delivery, stats, sends, beaconed, outbox };
  }

  it('a batch of both kinds is two batches from the outbox on: each sent, retried and counted on its own', async () => {
    // The logs endpoint fails once: only the logs part is retried, the metrics part is not sent again.
    let logsFails = 1;
    const { delivery, stats, sends, outbox } = splitSetup((b) => (b.batchId.endsWith('-logs') && logsFails-- > 0 ? { kind: 'retry', reason: 'HTTP 503' } : { kind: 'ok' }));
    await delivery.deliver(mixed('m'));
    expect(sends.sort()).toEqual(['m', 'm-logs']);
    expect(stats).toMatchObject({ sent: 2, retried: 1 });
    expect((await outbox.all()).map((e) => [e.batch.batchId, e.batch.events.map((ev) => ev.kind)])).toEqual([['m-logs', ['vital']]]);
    await delivery.replay();
    expect(sends.sort()).toEqual(['m', 'm-logs', 'm-logs']);
    expect(stats).toMatchObject({ sent: 3, dropped: 0 }); // every event once
    expect(await outbox.all()).toEqual([]);
    delivery.stop();
  });

  it('at page hide a batch of both kinds goes as two requests; a batch of one kind, and every batch without split, stays whole', () => {
    const { delivery, stats, beaconed } = splitSetup(() => ({ kind: 'ok' }));
    delivery.unload(mixed('h'));
    delivery.unload(batch('c'));
    delivery.unload(mixed('v', 0, 2));
    expect(beaconed).toEqual(['h', 'h-logs', 'c', 'v']);
    expect(stats.sent).toBe(3 + 2 + 2);
    delivery.stop();
    const plain = setup(() => ({ kind: 'ok' }));
    plain.delivery.unload(mixed('w'));
    expect(plain.beaconed).toEqual(['w']);
    plain.delivery.stop();
  });

  it('a journaled batch of both kinds (a page left before the sending side loaded) is split when the next load replays it', async () => {
    const store = new Map<string, string>();
    (globalThis as { localStorage?: unknown }).localStorage = { get length() { return store.size; }, key: (i: number) => [...store.keys()][i] ?? null, getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
    try {
      expect(journalWrite(mixed('j', 3, 2))).toBe(true);
      const { delivery, stats, sends } = splitSetup(() => ({ kind: 'ok' }));
      await delivery.replay();
      expect(sends.sort()).toEqual(['j', 'j-logs']);
      expect(stats.sent).toBe(5);
      expect(store.size).toBe(0);
      delivery.stop();
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage;
    }
  });
});
