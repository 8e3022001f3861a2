/**
 * Pinned test vectors: `vectors/<name>.hex` (the body) and `vectors/<name>.json`
 * (the batch it decodes to). Checked both ways, so any change to the wire
 * format shows up here. Regenerate deliberately with
 * `PAGEPACE_WRITE_VECTORS=1 npx vitest run src/protocol/vectors` — which is a
 * protocol change and needs docs/protocol.md to agree.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Batch, PerfEvent } from '../core/types';
import { decodeBatch, decodeBatchSync, encodeBatch, encodeBatchSync } from './index';
import { referenceToBatch } from './reference';

import ref50 from './vectors/reference-batch-50.json';

const DIR = new URL('./vectors/', import.meta.url);
const WRITE = process.env.PAGEPACE_WRITE_VECTORS === '1';

// JSON has no NaN, ±Infinity or -0: they are written as {"$num": "..."}.
const replacer = (_: string, v: unknown) =>
  typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { $num: Object.is(v, -0) ? '-0' : String(v) } : v;
const reviver = (_: string, v: unknown) =>
  v !== null && typeof v === 'object' && '$num' in v ? Number((v as { $num: string }).$num) : v;

const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const fromHex = (h: string) => Uint8Array.from(h.replace(/\s+/g, '').match(/../g) ?? [], (x) => parseInt(x, 16));

const ev = (e: Partial<PerfEvent>): PerfEvent => ({ kind: 'custom', name: 'n', value: 1, ts: 1732263012118, ...e });

/** The documented example of docs/protocol.md §11. */
const WORKED: Batch = {
  v: 1, batchId: 'b1', sessionId: 's1', page: 'https://a.io/', sentAt: 1000,
  events: [{ kind: 'vital', name: 'LCP', value: 1234.5, unit: 'ms', rating: 'good', ts: 990, attrs: { seq: 2 } }],
};

const KINDS: Batch = {
  v: 1, batchId: 'abcdef0123456789', sessionId: '275fa25f74c22b52fedde2414ee7d183', page: 'https://a.io/', sentAt: 1732263032234.5,
  events: [
    ev({ kind: 'vital', name: 'LCP', value: 1234.5, unit: 'ms', rating: 'good', id: 'v6-1732263011234-7513482224429', attrs: { seq: 2, delta: 1234.5, 'attribution.url': 'https://a.io/x.0123abcd.png' } }),
    ev({ kind: 'vital', name: 'CLS', value: 0.255117, rating: 'poor', attrs: { delta: 0.1, 'attribution.largestShiftValue': 0.056823 } }),
    ev({ kind: 'resource', name: 'https://a.io/app.0123abcd.js', value: 20.4, unit: 'ms', ts: 1732263012118.3, attrs: { startTime: 10, fetchStart: 10.1, responseEnd: 30.4, transferSize: 300, encodedBodySize: 0, responseStatus: 200, x: true } }),
    ev({ kind: 'resource', name: 'https://a.io/app.fedcba98.js', value: 5, unit: 'ms', attrs: { startTime: 'late', seq: 1.5 } }),
    ev({ kind: 'loaf', name: 'long-animation-frame', value: 80, unit: 'ms', attrs: { startTime: 5, blockingDuration: 30, 'scripts.0.invoker': 'a', 'scripts.2.duration': 3.5 } }),
    ev({ kind: 'ünknown', name: 'é', value: NaN, ts: Infinity, unit: 'µs', rating: 'meh' as 'good', attrs: { s: 'DEADBEEF0', f: 1 / 3, n: -0, big: 1e300, no: false, i: -Infinity } }),
    ev({ kind: 'mark', name: 'checkout:start', value: 1520.3, unit: 'ms', attrs: {} }),
  ],
};

const VECTORS: { name: string; batch: () => Batch; deflate?: boolean }[] = [
  { name: 'worked-example', batch: () => WORKED },
  { name: 'empty', batch: () => ({ v: 1, batchId: 'x', sessionId: 'y', page: '', sentAt: 0, events: [] }) },
  { name: 'kinds', batch: () => KINDS },
  { name: 'reference-50', batch: () => referenceToBatch(ref50) },
  // DEFLATE output is not unique across zlib builds: this one is pinned in the decode direction only.
  { name: 'kinds-deflated', batch: () => KINDS, deflate: true },
];

describe('test vectors', () => {
  for (const v of VECTORS) {
    const hexFile = new URL(`${v.name}.hex`, DIR);
    const jsonFile = new URL(`${v.name}.json`, DIR);

    it(`${v.name}: bytes decode to the pinned batch${v.deflate ? '' : ' and the batch encodes to the pinned bytes'}`, async () => {
      if (WRITE) {
        const bytes = v.deflate ? await encodeBatch(v.batch(), { deflate: true }) : encodeBatchSync(v.batch());
        // The pinned batch is the decoded form: quantised, so it re-encodes to the same bytes.
        const decoded = await decodeBatch(bytes);
        writeFileSync(hexFile, toHex(bytes).replace(/(.{64})/g, '$1\n').trim() + '\n');
        writeFileSync(jsonFile, JSON.stringify(decoded, replacer, 1) + '\n');
      }
      expect(existsSync(hexFile), `${v.name}.hex missing`).toBe(true);
      const bytes = fromHex(readFileSync(hexFile, 'utf8'));
      const batch = JSON.parse(readFileSync(jsonFile, 'utf8'), reviver) as Batch;
      expect(await decodeBatch(bytes)).toEqual(batch);
      if (!v.deflate) {
        expect(decodeBatchSync(bytes)).toEqual(batch);
        expect(toHex(encodeBatchSync(batch))).toBe(toHex(bytes));
      }
    });
  }

  it('worked example matches docs/protocol.md §11 byte for byte', () => {
    const hex = readFileSync(new URL('worked-example.hex', DIR), 'utf8').replace(/\s+/g, '');
    const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const listing = doc.slice(doc.indexOf('## 11.'));
    const block = /```\n([\s\S]*?)```/.exec(listing.slice(listing.indexOf('encodes')))![1]!;
    const docHex = block.split('\n').map((l) => /^[0-9a-f]{2}(?: [0-9a-f]{2})*(?= {2}|$)/.exec(l)?.[0] ?? '').join('').replace(/\s+/g, '');
    expect(docHex).toBe(hex);
  });
});
