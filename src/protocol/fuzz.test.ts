/**
 * Seeded fuzzing of the decoders: random and mutated inputs must either decode
 * to a Batch or throw ProtocolError — nothing else, and never hang.
 * `PAGEPACE_FUZZ_N` sets the number of sync cases (default 100,000);
 * `PAGEPACE_FUZZ_SEED` the seed.
 */
import { describe, expect, it } from 'vitest';
import type { Batch, PerfEvent } from '../core/types';
import { decodeBatch, decodeBatchSync, encodeBatch, encodeBatchSync, ProtocolError } from './index';
import { referenceToBatch } from './reference';

import ref50 from './vectors/reference-batch-50.json';

const N = Number(process.env.PAGEPACE_FUZZ_N ?? 100_000);
const SEED = Number(process.env.PAGEPACE_FUZZ_SEED ?? 0x9e3779b9);
const ASYNC_N = Math.max(50, Math.round(N / 100));

/** mulberry32: small, fast, good enough to drive mutations reproducibly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpusBatches(): Batch[] {
  const ev = (e: Partial<PerfEvent>): PerfEvent => ({ kind: 'custom', name: 'n', value: 1, ts: 1732263012118, ...e });
  const small: Batch = {
    v: 1, batchId: 'abcdef0123456789', sessionId: 's', page: 'https://a.io/', sentAt: 1732263032234,
    events: [
      ev({ kind: 'vital', name: 'LCP', value: 1234.5, unit: 'ms', rating: 'good', id: 'v6-1-2', attrs: { seq: 2, delta: 1234.5, 'attribution.url': 'https://a.io/x.0123abcd.png' } }),
      ev({ kind: 'resource', name: 'https://a.io/app.0123abcd.js', value: 20.5, unit: 'ms', attrs: { startTime: 10, fetchStart: 10.1, responseEnd: 30.5, transferSize: 300, encodedBodySize: 0, x: true } }),
      ev({ kind: 'loaf', name: 'long-animation-frame', value: 80, unit: 'ms', attrs: { startTime: 5, 'scripts.0.invoker': 'a', 'scripts.1.duration': 3.5 } }),
      ev({ kind: 'ünknown', name: 'é', value: NaN, ts: 1.5, unit: 'µs', rating: 'meh' as 'good', attrs: { s: 'DEADBEEF0', f: 1 / 3, n: -0, big: 1e300 } }),
      ev({ attrs: {} }),
    ],
  };
  return [
    small,
    { ...small, events: [] },
    { ...small, events: small.events.slice(0, 1) },
    { ...referenceToBatch(ref50), events: referenceToBatch(ref50).events.slice(0, 12) },
    referenceToBatch(ref50),
  ];
}

/** `b` with `del` bytes at `at` replaced by `ins`. */
function splice(b: Uint8Array, at: number, del: number, ins: Uint8Array = new Uint8Array(0)): Uint8Array {
  const from = Math.min(at, b.length);
  const to = Math.min(b.length, from + del);
  const n = new Uint8Array(from + ins.length + (b.length - to));
  n.set(b.subarray(0, from));
  n.set(ins, from);
  n.set(b.subarray(to), from + ins.length);
  return n;
}

function mutate(src: Uint8Array, rand: () => number, corpus: Uint8Array[]): Uint8Array {
  const pick = (n: number) => Math.floor(rand() * n);
  let b: Uint8Array = src.slice();
  const rounds = 1 + pick(rand() < 0.7 ? 2 : 6);
  for (let r = 0; r < rounds; r++) {
    const at = b.length > 0 ? pick(b.length) : 0;
    switch (pick(10)) {
      case 0: // bit flips
      case 1:
        if (b.length) b[at]! ^= 1 << pick(8);
        break;
      case 2: // random byte
        if (b.length) b[at] = pick(256);
        break;
      case 3: // truncate
        b = b.slice(0, pick(b.length + 1));
        break;
      case 4: // insert random bytes
        b = splice(b, at, 0, Uint8Array.from({ length: 1 + pick(8) }, () => pick(256)));
        break;
      case 5: // delete a range
        b = splice(b, at, 1 + pick(16));
        break;
      case 6: // corrupt a length-like field: a big or boundary varint
        if (b.length) {
          const v = [0x7f, 0xff, 0x80, 0x00, 0x01][pick(5)]!;
          for (let i = 0; i < 1 + pick(4) && at + i < b.length; i++) b[at + i] = v;
        }
        break;
      case 7: // off-by-one in a byte (counts, codes, lengths)
        if (b.length) b[at] = (b[at]! + (rand() < 0.5 ? 1 : 255)) & 255;
        break;
      case 8: { // overwrite with a chunk of another input
        const o = corpus[pick(corpus.length)]!;
        const from = pick(o.length);
        const chunk = o.slice(from, from + 1 + pick(32));
        b = splice(b, at, chunk.length, chunk);
        break;
      }
      default: // duplicate a range
        b = splice(b, at, 0, b.slice(at, at + 1 + pick(24)));
    }
  }
  return b;
}

function randomInput(rand: () => number): Uint8Array {
  const n = Math.floor(rand() * 64);
  const b = Uint8Array.from({ length: n + 4 }, () => Math.floor(rand() * 256));
  // Mostly a valid header so the fuzzing reaches the payload parser.
  if (rand() < 0.9) b.set([0x50, 0x50, 1, rand() < 0.5 ? 0 : 2]);
  return b;
}

/** Returns a description of a contract violation, or undefined. */
function check(fn: () => unknown): string | undefined {
  try {
    const batch = fn() as Batch;
    // Whatever decodes must be a Batch the encoder accepts.
    encodeBatchSync(batch);
    return undefined;
  } catch (e) {
    if (!(e instanceof ProtocolError)) return `non-ProtocolError ${String(e)}`;
    if (e.message.includes('internal decoder error')) return e.message;
    if (!Number.isInteger(e.offset) || e.offset < 0) return `bad offset ${e.offset}`;
    return undefined;
  }
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('fuzz', () => {
  it(`decodeBatchSync survives ${N} random and mutated inputs (seed ${SEED})`, () => {
    const rand = rng(SEED);
    const corpus = corpusBatches().map((b) => encodeBatchSync(b));
    const failures: string[] = [];
    let decoded = 0;
    for (let i = 0; i < N && failures.length < 5; i++) {
      const input = rand() < 0.1 ? randomInput(rand) : mutate(corpus[Math.floor(rand() * corpus.length)]!, rand, corpus);
      const bad = check(() => decodeBatchSync(input));
      if (bad) failures.push(`${bad} for ${hex(input.subarray(0, 200))}`);
      else if (input.length > 4) decoded++;
    }
    expect(failures).toEqual([]);
    expect(decoded).toBeGreaterThan(0);
  });

  it(`decodeBatch survives ${ASYNC_N} mutated deflated inputs`, async () => {
    const rand = rng(SEED ^ 0x5bd1e995);
    const corpus = await Promise.all(corpusBatches().map((b) => encodeBatch(b, { deflate: true })));
    const failures: string[] = [];
    for (let i = 0; i < ASYNC_N && failures.length < 5; i++) {
      const input = mutate(corpus[Math.floor(rand() * corpus.length)]!, rand, corpus);
      try {
        await decodeBatch(input, { maxBytes: 64 * 1024 });
      } catch (e) {
        if (!(e instanceof ProtocolError) || e.message.includes('internal decoder error')) failures.push(`${String(e)} for ${hex(input.subarray(0, 200))}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
