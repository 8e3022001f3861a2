import { describe, expect, it } from 'vitest';
import { networkAllows } from './network';

describe('network gate', () => {
  it('is open when the connection says nothing', () => {
    expect(networkAllows({})).toBe(true);
  });
  it('closes under Save-Data and on slow-2g/2g', () => {
    expect(networkAllows({ saveData: true, effectiveType: '4g' })).toBe(false);
    expect(networkAllows({ effectiveType: 'slow-2g' })).toBe(false);
    expect(networkAllows({ effectiveType: '2g' })).toBe(false);
  });
  it('stays open on 3g and 4g', () => {
    expect(networkAllows({ saveData: false, effectiveType: '3g' })).toBe(true);
    expect(networkAllows({ effectiveType: '4g' })).toBe(true);
  });
});
