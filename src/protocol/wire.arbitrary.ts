/**
 * Structure-aware fuzz inputs (fast-check) for the binary decoder and the
 * collector: bodies that are well-formed where a parser checks first — header,
 * counts, varints, template segments, string codes, stream directory — and
 * adversarial in what they describe: templates of thousands of segments
 * rebuilt by thousands of entries, codes that all name the longest string,
 * counts at the edge of what the bytes could hold, deflate (the header's flag
 * and `Content-Encoding` on top), and valid batches built to decode big.
 * Random byte mutation finds none of the amplifications (issue 15). Used by
 * `src/collector/fuzz.test.ts` (a few hundred cases in `npm test`) and
 * `bench/fuzz.bench.mjs` (≥ 1,000,000). Not part of any package entry.
 */
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { Batch, PerfEvent } from '../core/types';
import { DICT_SIZE } from './dictionary';
import { encodeBatchSync } from './index';
import { STREAM_COUNT } from './schemas';
import { Writer } from './writer';

/** One input: a body and the `Content-Encoding` it is sent with. */
export interface WireCase {
  body: Uint8Array;
  coding: 'identity' | 'gzip' | 'deflate';
  /** Which generator made it, for the bench's breakdown. */
  family: string;
}

type Segment = { lit: string } | { hole: number; upper: boolean };
type Entry = { lit: string } | { template: number; hex: Uint8Array; times: number };

const shortText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('a', 'https://a.example/', '\u0000', 'é', '👩‍💻'),
);
const longText = fc.integer({ min: 1, max: 4096 }).map((n) => 'x'.repeat(n));

const segment: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 3, arbitrary: shortText.map((lit) => ({ lit })) },
  { weight: 1, arbitrary: longText.map((lit) => ({ lit })) },
  { weight: 2, arbitrary: fc.record({ hole: fc.integer({ min: 0, max: 40 }), upper: fc.boolean() }) },
);

const template: fc.Arbitrary<Segment[]> = fc.oneof(
  { weight: 4, arbitrary: fc.array(segment, { minLength: 1, maxLength: 6 }) },
  // The review's shape: thousands of one-character segments.
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => Array.from({ length: n }, (): Segment => ({ lit: 'a' }))) },
);

const entry: fc.Arbitrary<Entry> = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(shortText, longText).map((lit) => ({ lit })) },
  {
    weight: 3,
    arbitrary: fc.record({
      template: fc.integer({ min: 0, max: 4 }),
      hex: fc.uint8Array({ maxLength: 24 }),
      // Many entries rebuilding one template: the table amplification.
      times: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 40_000 }) }),
    }),
  },
);

/** A string code: next entry, dictionary, or a reference (maybe not introduced yet). */
const code = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: DICT_SIZE }), fc.integer({ min: DICT_SIZE + 1, max: DICT_SIZE + 40 }));

/** Stream contents: random bytes, or a code repeated (every attribute naming one long string). */
const stream = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  {
    weight: 2,
    arbitrary: fc.record({ unit: fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 4 }), times: fc.integer({ min: 1, max: 8_000 }) })
      .map(({ unit, times }) => {
        const w = new Writer();
        for (let i = 0; i < times; i++) for (const v of unit) w.varint(v);
        return w.finish();
      }),
  },
);

/** Kinds with a schema (vital, resource, loaf) and generic ones, by dictionary code or as `0`. */
const kindCode = fc.constantFrom(3, 4, 5, 6, 8, 0);
/** Event flags: mostly meaningful ones (unit ms, attrs, generic value), sometimes anything. */
const flags = fc.oneof(fc.constantFrom(0x01, 0x09, 0x89, 0x0d, 0x08, 0x88, 0x189), fc.integer({ min: 0, max: 0x3ff }));

const rawPayload = fc.record({
  templates: fc.array(template, { maxLength: 4 }),
  entries: fc.array(entry, { maxLength: 12 }),
  ids: fc.tuple(code, code, code),
  events: fc.array(fc.tuple(kindCode, flags), { maxLength: 300 }),
  streams: fc.array(fc.option(stream, { nil: undefined, freq: 2 }), { minLength: STREAM_COUNT, maxLength: STREAM_COUNT }),
  countSkew: fc.constantFrom(0, 0, 0, 1, -1, 1000),
});

/** Assembles the payload the fields describe (§4); counts may be skewed off by a little or a lot. */
type RawPayload = typeof rawPayload extends fc.Arbitrary<infer T> ? T : never;

function assemble(p: RawPayload): Uint8Array {
  const w = new Writer(1024);
  w.varint(p.templates.length);
  for (const t of p.templates) {
    t.forEach((s, i) => {
      const last = i === t.length - 1 ? 4 : 0;
      if ('lit' in s) {
        const bytes = new TextEncoder().encode(s.lit);
        w.varint(bytes.length * 8 + last);
        w.bytes(bytes);
      } else {
        w.varint(s.hole * 8 + last + (s.upper ? 2 : 1));
      }
    });
  }
  const expanded: Entry[] = [];
  for (const e of p.entries) for (let i = 0; i < ('times' in e ? e.times : 1) && expanded.length < 40_000; i++) expanded.push(e);
  w.varint(Math.max(0, expanded.length + (p.countSkew === 1000 ? 0 : p.countSkew)));
  for (const e of expanded) {
    if ('lit' in e) {
      const bytes = new TextEncoder().encode(e.lit);
      w.varint(bytes.length * 2);
      w.bytes(bytes);
    } else {
      w.varint(e.template * 2 + 1);
      w.bytes(e.hex);
    }
  }
  for (const c of p.ids) w.varint(c);
  w.u8(3); // sentAt: integer
  w.varint(0);
  w.varint(Math.max(0, p.events.length + p.countSkew));
  const present = p.streams.map((s, id) => (id === 0 ? p.events.length > 0 || s !== undefined : s !== undefined && s.length > 0));
  const dir = new Uint8Array((STREAM_COUNT + 7) >> 3);
  present.forEach((on, id) => on && (dir[id >> 3]! |= 1 << (id & 7)));
  w.bytes(dir);
  const head = new Writer();
  for (const [k, f] of p.events) {
    head.varint(k);
    head.varint(f);
  }
  const bodies = p.streams.map((s, id) => (id === 0 ? new Uint8Array([...head.finish(), ...(s ?? [])]) : (s ?? new Uint8Array(0))));
  bodies.forEach((b, id) => present[id] && w.varint(b.length));
  bodies.forEach((b, id) => present[id] && w.bytes(b));
  return w.finish();
}

const header = (deflated: boolean, tsMs: boolean): Uint8Array => new Uint8Array([0x50, 0x50, 1, (deflated ? 1 : 0) | (tsMs ? 2 : 0)]);

function withHeader(payload: Uint8Array, deflated: boolean, tsMs: boolean): Uint8Array {
  const data = deflated ? deflateRawSync(payload) : payload;
  const out = new Uint8Array(4 + data.length);
  out.set(header(deflated, tsMs));
  out.set(data, 4);
  return out;
}

/** Valid batches shaped to decode big: long strings shared by many attributes, events and names. */
const bigBatch: fc.Arbitrary<Uint8Array> = fc
  .record({
    value: fc.integer({ min: 0, max: 2048 }),
    attrs: fc.integer({ min: 0, max: 64 }),
    events: fc.integer({ min: 0, max: 400 }),
    name: fc.integer({ min: 1, max: 256 }),
    page: fc.integer({ min: 0, max: 8192 }),
    kind: fc.constantFrom('custom', 'vital', 'resource', 'loaf', 'mark'),
    id: fc.oneof(fc.constant('b1'), fc.string({ unit: 'binary', minLength: 1, maxLength: 8 })),
  })
  .map(({ value, attrs, events, name, page, kind, id }) => {
    const a: Record<string, string | number> = {};
    for (let k = 0; k < attrs; k++) a[k % 2 ? `a${k}` : `scripts.${k >> 1}.invoker`] = k % 3 ? 'v'.repeat(value) : k;
    const list: PerfEvent[] = Array.from({ length: events }, (_, i) => ({ kind, name: 'n'.repeat(name), value: i, unit: 'ms', ts: 1_700_000_000_000 + i, attrs: a }));
    const batch: Batch = { v: 1, batchId: id, sessionId: 's', page: 'p'.repeat(page), sentAt: 1_700_000_000_000, events: list };
    return encodeBatchSync(batch, { deflate: 'auto' });
  });

/** A deflate bomb under the binary flag: megabytes of one byte in a few KB. */
const deflateBomb = fc.integer({ min: 1, max: 64 }).map((mb) => withHeader(new Uint8Array(mb * 2 ** 20), true, false));

/** Every family, weighted; bodies over `maxBytes` are kept (they are answered 413 before decoding). */
export function wireCase(): fc.Arbitrary<WireCase> {
  const raw = fc.record({ p: rawPayload, deflated: fc.boolean(), tsMs: fc.boolean() }).map(({ p, deflated, tsMs }) => withHeader(assemble(p), deflated, tsMs));
  const body = fc.oneof(
    { weight: 6, arbitrary: raw.map((b) => ({ b, family: 'structured' })) },
    { weight: 2, arbitrary: bigBatch.map((b) => ({ b, family: 'big batch' })) },
    { weight: 1, arbitrary: deflateBomb.map((b) => ({ b, family: 'deflate bomb' })) },
  );
  return fc.record({ x: body, coding: fc.constantFrom<WireCase['coding']>('identity', 'identity', 'identity', 'gzip', 'deflate') }).map(({ x, coding }) => ({
    body: coding === 'gzip' ? gzipSync(x.b) : coding === 'deflate' ? deflateSync(x.b) : x.b,
    coding,
    family: x.family,
  }));
}
