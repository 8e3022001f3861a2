import { describe, expect, it } from 'vitest';
import { leakEvent, leakSignal } from './leak';
import type { MemorySample } from './leak';

const MB = 1 << 20;
/** Samples every 30 s: a base, a trend (bytes/min), a GC sawtooth and some noise (seeded). */
function series(n: number, perMin: number, sawtooth = 0, noise = 0, base = 40 * MB): MemorySample[] {
  let seed = 9;
  const r = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: n }, (_, i) => ({
    t: i * 30_000,
    bytes: base + (perMin * i) / 2 + (i % 4) * sawtooth - (i % 4 === 3 ? 3 * sawtooth : 0) + (r() - 0.5) * noise,
  }));
}

describe('leakSignal', () => {
  it('finds a steady leak and measures its slope', () => {
    const s = leakSignal(series(20, 4 * MB));
    expect(s.leaking).toBe(true);
    expect(s.slope).toBeCloseTo(4 * MB, -3);
    expect(s.trend).toBe(1);
    expect(s.samples).toBe(20);
  });

  it('finds a leak under a GC sawtooth and noise, where a least-squares fit would be noisy', () => {
    const s = leakSignal(series(24, 3 * MB, 2 * MB, MB));
    expect(s.leaking).toBe(true);
    expect(s.slope / (3 * MB)).toBeGreaterThan(0.7);
    expect(s.slope / (3 * MB)).toBeLessThan(1.3);
  });

  it('does not call a flat, sawtoothed or noisy heap a leak', () => {
    expect(leakSignal(series(24, 0, 2 * MB, MB)).leaking).toBe(false);
    expect(leakSignal(series(24, 0, 0, 8 * MB)).leaking).toBe(false);
  });

  it('does not call a consistent but tiny growth a leak (below 1 MiB and 10 % over the window)', () => {
    const s = leakSignal(series(20, 50_000));
    expect(s.trend).toBe(1);
    expect(s.leaking).toBe(false);
    expect(leakSignal(series(20, 50_000), { minGrowth: 0, minRelative: 0 }).leaking).toBe(true);
  });

  it('needs enough samples, and handles empty, single and same-time samples', () => {
    expect(leakSignal(series(5, 10 * MB)).leaking).toBe(false);
    expect(leakSignal(series(6, 10 * MB)).leaking).toBe(true);
    expect(leakSignal([])).toMatchObject({ slope: 0, trend: 0, growth: 0, samples: 0, leaking: false });
    expect(leakSignal([{ t: 0, bytes: 1 }])).toMatchObject({ slope: 0, leaking: false });
    expect(leakSignal([{ t: 0, bytes: 1 }, { t: 0, bytes: 2 }]).slope).toBe(0);
  });

  it('a shrinking heap has a negative slope and trend', () => {
    const s = leakSignal(series(10, -2 * MB));
    expect(s.slope).toBeLessThan(0);
    expect(s.trend).toBe(-1);
    expect(s.leaking).toBe(false);
  });
});

describe('leakEvent', () => {
  it('reports the slope in bytes per minute, and says so in its unit', () => {
    const s = leakSignal(series(20, 4 * MB)); // 4 MiB a minute, samples every 30 s
    const e = leakEvent(s, 1000);
    expect(e).toEqual({
      kind: 'memory', name: 'memory.leak', value: s.slope, unit: 'bytes/min', ts: 1000,
      attrs: { trend: 1, growth: s.growth, samples: 20 },
    });
    expect(e.value).toBeCloseTo(4 * MB, -3);
    // growth is over the window (19 × 30 s = 9.5 min), not per minute
    expect(e.attrs!.growth as number).toBeCloseTo(9.5 * 4 * MB, -3);
  });
});
