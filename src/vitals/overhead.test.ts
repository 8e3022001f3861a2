import { describe, expect, it } from 'vitest';
import { createOverhead, takeOverhead } from './overhead';

describe('overhead', () => {
  it('times the outermost handler only, and reports time and bytes since the last report', () => {
    let t = 0;
    const o = createOverhead(() => t);
    const inner = () => o.timed(() => (t += 2));
    expect(o.timed(() => { t += 1; inner(); return 'ok'; })).toBe('ok');
    o.timed(() => (t += 5));
    expect(takeOverhead(o, 100, 4000)).toEqual([
      { kind: 'overhead', name: 'overhead.cpu', value: 8, unit: 'ms', ts: 100, attrs: { calls: 2, max: 5 } },
      { kind: 'overhead', name: 'overhead.bytes', value: 4000, unit: 'bytes', ts: 100 },
    ]);
    expect(takeOverhead(o, 200, 4000)).toEqual([]); // nothing new
    o.timed(() => (t += 1));
    expect(takeOverhead(o, 300, 4500).map((e) => e.value)).toEqual([1, 500]);
  });

  it('counts a handler that throws, and lets the error through to the guard', () => {
    let t = 0;
    const o = createOverhead(() => t);
    expect(() => o.timed(() => { t += 3; throw new Error('x'); })).toThrow('x');
    expect(takeOverhead(o, 0)[0]).toMatchObject({ value: 3, attrs: { calls: 1 } });
    expect(o.timed(() => 1)).toBe(1); // depth was restored
  });
});
