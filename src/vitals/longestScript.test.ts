import { afterEach, describe, expect, it, vi } from 'vitest';
import { longestScriptDuring } from './longestScript';

/** A browser whose LoAF buffer holds `frames`; takeRecords() hands them over. */
function withFrames(frames: { scripts: { startTime: number; duration: number; sourceURL: string }[] }[], supported = true) {
  const disconnect = vi.fn();
  class FakeObserver {
    static supportedEntryTypes = supported ? ['long-animation-frame', 'event'] : ['event'];
    observe = vi.fn();
    takeRecords = () => frames;
    disconnect = disconnect;
  }
  vi.stubGlobal('PerformanceObserver', FakeObserver);
  return disconnect;
}

afterEach(() => vi.unstubAllGlobals());

describe('the longest LoAF script of an interaction, from the buffer', () => {
  it('takes the longest script overlapping the interaction, not a longer one outside it, and lets the observer go', () => {
    const disconnect = withFrames([
      { scripts: [{ startTime: 0, duration: 400, sourceURL: '/early.js' }] },
      { scripts: [{ startTime: 990, duration: 30, sourceURL: '/a.js' }, { startTime: 1010, duration: 250, sourceURL: '/slow.js' }] },
      { scripts: [{ startTime: 5000, duration: 900, sourceURL: '/later.js' }] },
    ]);
    expect(longestScriptDuring(1000, 1300)?.sourceURL).toBe('/slow.js');
    expect(disconnect).toHaveBeenCalled();
  });

  it('nothing where no script overlaps, or where the browser has no LoAF (Firefox, WebKit)', () => {
    withFrames([{ scripts: [{ startTime: 0, duration: 100, sourceURL: '/early.js' }] }]);
    expect(longestScriptDuring(1000, 1300)).toBeUndefined();
    withFrames([{ scripts: [{ startTime: 1000, duration: 100, sourceURL: '/x.js' }] }], false);
    expect(longestScriptDuring(1000, 1300)).toBeUndefined();
  });
});
