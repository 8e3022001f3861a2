import { describe, expect, it } from 'vitest';
import { PagePaceError } from '../core/errors';
import type { Batch, PerfEvent, Rating } from '../core/types';
import { C_TIME, C_VNUM, SCHEMAS } from './schemas';
import { decodeBatch, decodeBatchSync, encodeBatch, encodeBatchSync, ProtocolError } from './index';

/** Is `key` of an event of `kind` a schema time (quantised to 0.1 ms)? */
function isTimeKey(kind: string, key: string, ms: boolean): boolean {
  const s = SCHEMAS.get(kind);
  if (!s) return false;
  const direct = s.byKey.get(key);
  if (direct !== undefined) {
    const c = s.fields[direct]!.codec;
    return c === C_TIME || (c === C_VNUM && ms);
  }
  for (const g of s.groups) {
    const m = new RegExp(`^${g.prefix}\\.(0|[1-9]\\d*)\\.(.+)$`).exec(key);
    const f = m ? g.byKey.get(m[2]!) : undefined;
    if (f !== undefined) return g.fields[f]!.codec === C_TIME;
  }
  return false;
}

/** Asserts the round-trip contract of docs/protocol.md §10. */
function expectNumberClose(actual: unknown, expected: number, time: boolean, where: string): void {
  expect(typeof actual, where).toBe('number');
  const a = actual as number;
  if (!Number.isFinite(expected) || Object.is(expected, -0) || (Number.isInteger(expected) && Number.isSafeInteger(expected))) {
    expect(Object.is(a, expected) || (time && Math.abs(a - expected) <= 0.05), `${where}: ${a} vs ${expected}`).toBe(true);
    return;
  }
  const tol = time ? 0.05 + 1e-9 * Math.abs(expected) : 1e-9 * Math.abs(expected);
  expect(Math.abs(a - expected), `${where}: ${a} vs ${expected}`).toBeLessThanOrEqual(tol);
}

function expectBatchClose(actual: Batch, expected: Batch): void {
  expect(actual.v).toBe(1);
  expect(actual.batchId).toBe(expected.batchId);
  expect(actual.sessionId).toBe(expected.sessionId);
  expect(actual.page).toBe(expected.page);
  expectNumberClose(actual.sentAt, expected.sentAt, false, 'sentAt');
  expect(actual.events.length).toBe(expected.events.length);
  expected.events.forEach((e, i) => {
    const a = actual.events[i]!;
    const at = `events[${i}]`;
    expect(Object.keys(a).sort(), at).toEqual(Object.keys(e).filter((k) => (e as unknown as Record<string, unknown>)[k] !== undefined).sort());
    expect(a.kind).toBe(e.kind);
    expect(a.name).toBe(e.name);
    expect(a.unit).toBe(e.unit);
    expect(a.rating).toBe(e.rating);
    expect(a.id).toBe(e.id);
    expectNumberClose(a.ts, e.ts, true, `${at}.ts`);
    expectNumberClose(a.value, e.value, e.unit === 'ms', `${at}.value`);
    if (e.attrs === undefined) {
      expect(a.attrs).toBeUndefined();
      return;
    }
    const keys = Object.keys(e.attrs).filter((k) => e.attrs![k] !== undefined);
    expect(Object.keys(a.attrs!).sort(), `${at}.attrs keys`).toEqual(keys.sort());
    for (const k of keys) {
      const x = e.attrs[k]!;
      if (typeof x === 'number') expectNumberClose(a.attrs![k], x, isTimeKey(e.kind, k, e.unit === 'ms'), `${at}.attrs.${k}`);
      else expect(a.attrs![k], `${at}.attrs.${k}`).toBe(x);
    }
  });
}

/** Round-trips through every path: sync plain, async auto, async forced deflate. */
async function roundTrip(batch: Batch): Promise<Batch> {
  const plain = encodeBatchSync(batch);
  const fromSync = decodeBatchSync(plain);
  expectBatchClose(fromSync, batch);
  const auto = await encodeBatch(batch);
  expect(auto.length).toBeLessThanOrEqual(plain.length);
  expectBatchClose(await decodeBatch(auto), batch);
  const packed = await encodeBatch(batch, { deflate: true });
  expect(packed[3]! & 1).toBe(1);
  expectBatchClose(await decodeBatch(packed, { maxBytes: 16 * 1024 * 1024 }), batch);
  return fromSync;
}

const base = (events: PerfEvent[]): Batch => ({
  v: 1,
  batchId: '0123456789abcdef',
  sessionId: '275fa25f74c22b52fedde2414ee7d183',
  page: 'https://shop.example.com/cart',
  sentAt: 1732263032234,
  events,
});

const EXTREMES = [
  0, -0, 1, -1, 0.1 + 0.2, 1 / 3, -123.456, 1e-12, 5e-324, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 2 ** 50, 2 ** 50 + 1, 1e14, 1e14 + 0.5, 1e15,
  NaN, Infinity, -Infinity, 0.2551170000103919, 65.39999999990687, Math.fround(0.1), 123456.789e-20,
];

describe('round trip', () => {
  it('keeps an empty batch', async () => {
    const d = await roundTrip(base([]));
    expect(d).toEqual({ ...base([]) });
  });

  it('keeps minimal events, absent optionals absent and attrs: {} as {}', async () => {
    const d = await roundTrip(
      base([
        { kind: 'mark', name: 'checkout:start', value: 1234.5, ts: 1732263012118 },
        { kind: 'custom', name: 'x', value: 0, ts: 1732263012119, attrs: {} },
        { kind: 'vital', name: 'LCP', value: 1000, ts: 1732263012120, unit: 'ms', attrs: {} },
      ]),
    );
    expect(d.events[0]).toEqual({ kind: 'mark', name: 'checkout:start', value: 1234.5, ts: 1732263012118 });
    expect(d.events[1]!.attrs).toEqual({});
    expect(d.events[2]!.attrs).toEqual({});
    expect('unit' in d.events[0]!).toBe(false);
  });

  it('keeps unicode, unknown kinds, units, ratings and keys', async () => {
    await roundTrip({
      ...base([
        {
          kind: 'zukünftig-🚀', name: '名前 with \u0000 nul', value: 42, ts: 1732263012118.25, unit: 'µs',
          rating: 'excellent' as Rating, id: 'v6-1732263011234-7513482224429',
          attrs: { 'ключ': 'значение', emoji: '👩‍💻', flag: true, off: false, n: -7, '': '', '__proto__': 'kept', 'a.b.c': 1.5 },
        },
        { kind: 'measure', name: 'é', value: 12.34, unit: 'ms', ts: 1732263012119.5, rating: 'poor' },
        { kind: 'vital', name: 'CLS', value: 0.05, ts: 1732263012120, rating: 'needs-improvement', attrs: { delta: 0.05 } },
      ]),
      page: 'https://例え.jp/パス?q=1',
      batchId: 'ü',
    });
  });

  it('keeps extreme numbers everywhere: value, ts, sentAt, attrs, schema slots', async () => {
    const events: PerfEvent[] = [];
    for (const x of EXTREMES) {
      events.push({ kind: 'custom', name: 'n', value: x, ts: x, attrs: { x } });
      events.push({ kind: 'resource', name: 'https://a.io/x.js', value: x, unit: 'ms', ts: 1732263012118, attrs: { startTime: x, fetchStart: x, transferSize: x, encodedBodySize: x, seq: x } });
      events.push({ kind: 'vital', name: 'CLS', value: x, ts: 1732263012118, attrs: { delta: x, 'attribution.largestShiftValue': x } });
      events.push({ kind: 'loaf', name: 'long-animation-frame', value: x, unit: 'ms', ts: 1732263012118, attrs: { startTime: 5, 'scripts.0.executionStart': x, 'scripts.0.sourceCharPosition': x } });
    }
    for (const sentAt of [NaN, -0, 1e300, 1732263032234.5]) await roundTrip({ ...base(events.slice(0, 8)), sentAt });
    await roundTrip(base(events));
  });

  it('keeps schema attrs of unexpected types and odd group keys through the generic path', async () => {
    await roundTrip(
      base([
        {
          kind: 'resource', name: 'https://a.io/app.0123abcd.js', value: 10, unit: 'ms', ts: 1732263012118,
          attrs: { startTime: 'soon', seq: 1.5, page: 5, responseStatus: true, nextHopProtocol: 3, contentType: 'text/css' },
        },
        {
          kind: 'loaf', name: 'long-animation-frame', value: 70, unit: 'ms', ts: 1732263012118,
          attrs: {
            'scripts.0.invoker': 'a', 'scripts.3.duration': 5.5, 'scripts.01.invoker': 'b', 'scripts.0.nope': 1,
            'scripts.x.invoker': 'c', 'scripts.2000.invoker': 'd', scripts: 'flat', 'scripts.0.sourceCharPosition': 'str',
          },
        },
        { kind: 'vital', name: 'INP', value: 72, unit: 'ms', ts: 1732263012118, attrs: { delta: 'x', 'attribution.url': 9 } },
        { kind: 'loaf', name: 'long-animation-frame', value: 70, ts: 1732263012118, attrs: { blockingDuration: 20 } },
        { kind: 'resource', name: 'https://a.io/', value: 10, unit: 'ms', ts: 1732263012118 },
      ]),
    );
  });

  it('keeps long strings', async () => {
    const long = 'ab€'.repeat(70_000);
    await roundTrip(base([{ kind: 'custom', name: long, value: 1, ts: 1, attrs: { long, hex: 'abcdef0123456789'.repeat(5000) } }]));
  });

  it('stays within the amplification limit by dropping templates when needed', async () => {
    const head = 'https://a.io/' + 'p'.repeat(2000) + '/';
    const events = Array.from({ length: 300 }, (_, i) => ({ kind: 'resource', name: `${head}${(0x10000000 + i).toString(16)}`, value: 1, unit: 'ms', ts: 1 }));
    const bytes = encodeBatchSync(base(events));
    expect(bytes.length).toBeGreaterThan(600_000);
    expectBatchClose(decodeBatchSync(bytes), base(events));
  });

  it('keeps fractional timestamps within 0.05 ms and whole ones exactly', async () => {
    const d = await roundTrip(base([
      { kind: 'custom', name: 'a', value: 1, ts: 1732263012118.37 },
      { kind: 'custom', name: 'b', value: 1, ts: 1732263012000 },
    ]));
    expect(d.events[1]!.ts).toBe(1732263012000);
  });
});

describe('compression', () => {
  const many = base(Array.from({ length: 100 }, (_, i) => ({ kind: 'custom', name: 'same', value: i, ts: 1732263012118 + i, attrs: { k: 'v' } })));

  it('auto compresses when smaller and not otherwise', async () => {
    const auto = await encodeBatch(many);
    expect(auto[3]! & 1).toBe(1);
    expect(auto.length).toBeLessThan(encodeBatchSync(many).length);
    const tiny = await encodeBatch({ ...base([]), batchId: 'a', sessionId: 'b', page: '' });
    expect(tiny[3]! & 1).toBe(0);
    expect(await encodeBatch(many, { deflate: false })).toEqual(encodeBatchSync(many));
  });

  it('refuses deflated input in decodeBatchSync', async () => {
    const packed = await encodeBatch(many, { deflate: true });
    expect(() => decodeBatchSync(packed)).toThrow(/deflate-compressed; use decodeBatch/);
  });

  it('bounds inflation with maxBytes', async () => {
    const bomb = base([{ kind: 'custom', name: 'x'.repeat(500_000), value: 1, ts: 1 }]);
    const packed = await encodeBatch(bomb);
    expect(packed.length).toBeLessThan(2000);
    await expect(decodeBatch(packed, { maxBytes: 64 * 1024 })).rejects.toThrow(/exceeds the limit of 65536 bytes/);
    await expect(decodeBatch(packed, { maxBytes: 64 * 1024 })).rejects.toBeInstanceOf(ProtocolError);
    expect((await decodeBatch(packed)).events[0]!.name.length).toBe(500_000);
    expect(() => decodeBatchSync(encodeBatchSync(bomb), { maxBytes: 1000 })).toThrow(ProtocolError);
  });
});

describe('encoder input checks', () => {
  it.each([
    ['batch.v', { ...base([]), v: 2 }],
    ['batch.batchId', { ...base([]), batchId: 5 }],
    ['batch.events', { ...base([]), events: null }],
    ['events[0].kind', base([{ kind: 1, name: 'a', value: 1, ts: 1 } as unknown as PerfEvent])],
    ['events[0].value', base([{ kind: 'a', name: 'a', value: '1', ts: 1 } as unknown as PerfEvent])],
    ['events[0].attrs.o', base([{ kind: 'a', name: 'a', value: 1, ts: 1, attrs: { o: {} } } as unknown as PerfEvent])],
    ['events[0].attrs.n', base([{ kind: 'resource', name: 'a', value: 1, ts: 1, attrs: { n: null } } as unknown as PerfEvent])],
  ])('names %s', (field, batch) => {
    expect(() => encodeBatchSync(batch as Batch)).toThrow(PagePaceError);
    expect(() => encodeBatchSync(batch as Batch)).toThrow(field);
  });
});
