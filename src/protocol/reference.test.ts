import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, encodeBatchSync } from './index';
import { batchToReference, referenceExtras, referenceToBatch } from './reference';
import type { ReferenceBatch } from './reference';
import ref50 from './vectors/reference-batch-50.json';
import ref200 from './vectors/reference-batch-200.json';

const REFS: [string, ReferenceBatch][] = [
  ['50', ref50],
  ['200', ref200],
];

/** Numbers that are not times (so 0.1 ms quantisation does not apply). */
const UNITLESS = /(^|\.)largestShiftValue$/;

/** Deep comparison with the contract's tolerances; returns the first difference. */
function diff(a: unknown, b: unknown, path: string, cls: boolean): string | undefined {
  if (typeof b === 'number') {
    if (typeof a !== 'number') return `${path}: ${String(a)} is not a number`;
    if (Number.isInteger(b)) return a === b ? undefined : `${path}: ${a} !== ${b}`;
    const time = !UNITLESS.test(path) && !(cls && /\.(value|delta)$/.test(path));
    const tol = time ? 0.05 + 1e-9 : 1e-9 * Math.abs(b);
    return Math.abs(a - b) <= tol ? undefined : `${path}: ${a} vs ${b}`;
  }
  if (Array.isArray(b)) {
    if (!Array.isArray(a) || a.length !== b.length) return `${path}: array shape differs`;
    for (let i = 0; i < b.length; i++) {
      const d = diff(a[i], b[i], `${path}.${i}`, cls);
      if (d) return d;
    }
    return undefined;
  }
  if (b !== null && typeof b === 'object') {
    if (a === null || typeof a !== 'object') return `${path}: not an object`;
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return `${path}: keys ${ka.join()} vs ${kb.join()}`;
    const isCls = cls || (b as Record<string, unknown>).name === 'CLS';
    for (const k of kb) {
      const d = diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, isCls);
      if (d) return d;
    }
    return undefined;
  }
  return a === b ? undefined : `${path}: ${JSON.stringify(a)} !== ${JSON.stringify(b)}`;
}

describe('reference batches', () => {
  it('convert to PerfEvents with flattened attrs', () => {
    const b = referenceToBatch(REFS[0]![1]);
    expect(b.v).toBe(1);
    expect(b.sessionId).toBe('275fa25f-74c2-2b52-fedd-e2414ee7d183');
    expect(b.batchId).toMatch(/^[0-9a-f]{16}$/);
    expect(b.events).toHaveLength(50);
    const cls = b.events[0]!;
    expect(cls).toMatchObject({ kind: 'vital', name: 'CLS', rating: 'poor', id: 'v6-1732263011234-7513482224429' });
    expect(cls.unit).toBeUndefined();
    expect(cls.attrs).toMatchObject({ seq: 3, navigationType: 'navigate', 'attribution.loadState': 'complete' });
    const loaf = b.events.find((e) => e.kind === 'loaf')!;
    expect(loaf.attrs!['scripts.0.invoker']).toBe('BUTTON#add-to-cart.onclick');
    expect(loaf.unit).toBe('ms');
    const res = b.events.find((e) => e.kind === 'resource')!;
    expect(res.name).toMatch(/^https:\/\//);
    expect(res.value).toBe(65.39999999990687);
  });

  it.each(REFS)('converter is lossless by itself (%s)', (_, ref) => {
    expect(diff(batchToReference(referenceToBatch(ref), referenceExtras(ref)), ref, '', false)).toBeUndefined();
  });

  it.each(REFS)('keep all information through encode/decode (%s events)', async (_, ref) => {
    const batch = referenceToBatch(ref);
    for (const deflate of [false, true] as const) {
      const back = batchToReference(await decodeBatch(await encodeBatch(batch, { deflate })), referenceExtras(ref));
      expect(diff(back, ref, '', false)).toBeUndefined();
    }
  });

  it('meet the size goals', async () => {
    const sizes = await Promise.all(
      REFS.map(async ([, ref]) => {
        const batch = referenceToBatch(ref);
        return { wire: (await encodeBatch(batch)).length, plain: encodeBatchSync(batch).length, gzip: gzipSync(JSON.stringify(ref)).length };
      }),
    );
    expect(sizes[0]!.wire).toBeLessThanOrEqual(2400);
    expect(sizes[1]!.wire).toBeLessThanOrEqual(sizes[1]!.gzip / 2);
    expect(sizes[0]!.plain).toBeLessThan(4028);
  });
});
