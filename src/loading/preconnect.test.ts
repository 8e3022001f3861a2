import { describe, expect, it } from 'vitest';
import { pick, rescore } from './preconnect';

describe('learned preconnects', () => {
  it('starts a new origin at 0.5: enough for the next visit', () => {
    const s = rescore({}, ['https://cdn.test', 'https://cdn.test']);
    expect(s).toEqual({ 'https://cdn.test': 0.5 });
    expect(pick(s)).toEqual(['https://cdn.test']);
  });

  it('drops an origin that stops being used (two visits without it)', () => {
    let s = rescore({}, ['https://a.test']);
    s = rescore(s, ['https://a.test']);
    expect(s['https://a.test']).toBe(0.75);
    s = rescore(s, []);
    expect(pick(s)).toEqual([]); // 0.375: kept in memory, not preconnected
    s = rescore(s, []);
    expect(s).toEqual({});
  });

  it('is bounded: keeps the best few, preconnects to fewer', () => {
    const many = Array.from({ length: 8 }, (_, i) => `https://o${i}.test`);
    let s = rescore({}, many);
    expect(Object.keys(s)).toHaveLength(4);
    expect(pick(s, 3)).toHaveLength(3);
    s = rescore(s, many.slice(0, 2));
    expect(pick(s, 3).sort()).toEqual(['https://o0.test', 'https://o1.test']); // the others fell to 0.25: dropped
  });
});
