/**
 * The structure-aware fuzzer (issue 15) with a small count, so it runs in
 * `npm test`: well-formed but adversarial tables, counts, references and
 * deflate layers (src/protocol/wire.arbitrary.ts) through the collector's
 * decode path; each is a batch or a 4xx, never anything else. The bench
 * (`bench/fuzz.bench.mjs`) runs ≥ 1,000,000 and asserts time and heap per input.
 * `PAGEPACE_FUZZ_RUNS` sets the count, `PAGEPACE_FUZZ_SEED` the seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchBomb, stringTableBomb } from '../protocol/amplification.fixture';
import { decodeBatchSync, ProtocolError } from '../protocol/index';
import { wireCase } from '../protocol/wire.arbitrary';
import { answer } from './fuzz.fixture';

const RUNS = Number(process.env.PAGEPACE_FUZZ_RUNS ?? 300);
const SEED = Number(process.env.PAGEPACE_FUZZ_SEED ?? 0x15);

describe('structure-aware fuzzing', () => {
  it(`answers ${RUNS} adversarial bodies with a batch or a 4xx (seed ${SEED})`, async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(wireCase(), async (c) => {
        const status = await answer(c.body, c.coding);
        seen.set(status, (seen.get(status) ?? 0) + 1);
        expect(status === 204 || (status >= 400 && status < 500)).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generator reaches both sides: accepted batches and refusals.
    expect(seen.get(204) ?? 0).toBeGreaterThan(0);
    expect(seen.get(400) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('the protocol decoder alone throws only ProtocolError on the uncompressed ones', () => {
    fc.assert(
      fc.property(wireCase(), (c) => {
        if (c.coding !== 'identity' || c.body[3]! & 1) return;
        try {
          decodeBatchSync(c.body, { maxBytes: 65_536 });
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
          expect((e as Error).message).not.toMatch(/internal decoder error/);
        }
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  }, 120_000);

  it('finds the shapes of the two review bodies among its families', async () => {
    expect(await answer(stringTableBomb(), 'identity')).toBe(413); // its table alone is past maxChars
    expect(await answer(batchBomb(), 'identity')).toBe(413);
  });
});
