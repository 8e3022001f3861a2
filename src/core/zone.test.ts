import { afterEach, describe, expect, it, vi } from 'vitest';
import { outsideZone } from './zone';

afterEach(() => vi.unstubAllGlobals());

describe("zone.js's root zone", () => {
  it('with zone.js, runs the function in the root zone and returns its value (errors propagate)', () => {
    const ran: string[] = [];
    const root = { run: <T>(f: () => T): T => (ran.push('root'), f()) };
    vi.stubGlobal('Zone', { root, current: { name: 'angular' } });
    expect(outsideZone(() => 42)).toBe(42);
    expect(ran).toEqual(['root']);
    expect(() => outsideZone(() => { throw new TypeError('bad'); })).toThrow(TypeError);
  });

  it('without zone.js, or with an unrelated global named Zone, just runs it', () => {
    expect(outsideZone(() => 'plain')).toBe('plain');
    vi.stubGlobal('Zone', { root: 'a thing of some other library' });
    expect(outsideZone(() => 'plain')).toBe('plain');
    vi.stubGlobal('Zone', function Zone() {});
    expect(outsideZone(() => 'plain')).toBe('plain');
  });
});
