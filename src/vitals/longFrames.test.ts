import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGuard } from '../core/guard';
import type { PerfEvent } from '../core/types';
import { loafEvent, longTaskEvent, startLongFrames } from './longFrames';

afterEach(() => vi.unstubAllGlobals());

describe('long frames', () => {
  it('turns a LoAF entry into a loaf event with its longest scripts, in the protocol’s keys', () => {
    const script = (invoker: string, duration: number) => ({
      invokerType: 'event-listener', invoker, sourceURL: 'https://a.test/slow.js', sourceFunctionName: 'onClick', sourceCharPosition: -1,
      windowAttribution: 'self', startTime: 100, executionStart: 101, duration, forcedStyleAndLayoutDuration: 0, pauseDuration: 0,
    });
    const e = loafEvent({
      startTime: 90, duration: 180, renderStart: 260, styleAndLayoutStart: 262, blockingDuration: 130, firstUIEventTimestamp: 95,
      scripts: [script('a', 10), script('BUTTON#slow.onclick', 150), script('b', 5), script('c', 1)],
    }, 1000, 2);
    expect(e).toMatchObject({ kind: 'loaf', name: 'long-animation-frame', value: 180, unit: 'ms', ts: 1000 });
    expect(e.attrs).toEqual({
      startTime: 90, renderStart: 260, styleAndLayoutStart: 262, blockingDuration: 130, firstUIEventTimestamp: 95,
      'scripts.0.invokerType': 'event-listener', 'scripts.0.invoker': 'BUTTON#slow.onclick', 'scripts.0.sourceURL': 'https://a.test/slow.js',
      'scripts.0.sourceFunctionName': 'onClick', 'scripts.0.windowAttribution': 'self', 'scripts.0.startTime': 100, 'scripts.0.executionStart': 101,
      'scripts.0.duration': 150, 'scripts.0.forcedStyleAndLayoutDuration': 0, 'scripts.0.pauseDuration': 0,
      'scripts.1.invokerType': 'event-listener', 'scripts.1.invoker': 'a', 'scripts.1.sourceURL': 'https://a.test/slow.js',
      'scripts.1.sourceFunctionName': 'onClick', 'scripts.1.windowAttribution': 'self', 'scripts.1.startTime': 100, 'scripts.1.executionStart': 101,
      'scripts.1.duration': 10, 'scripts.1.forcedStyleAndLayoutDuration': 0, 'scripts.1.pauseDuration': 0,
    });
  });

  it('handles a frame without scripts', () => {
    expect(loafEvent({ startTime: 1, duration: 60 }, 2).attrs).toEqual({ startTime: 1 });
  });

  it('falls back to long tasks with their container attribution', () => {
    const e = longTaskEvent({ name: 'self', entryType: 'longtask', startTime: 5, duration: 70, toJSON() {}, attribution: [{ containerType: 'window', containerSrc: '' }] }, 9);
    expect(e).toEqual({ kind: 'longtask', name: 'longtask', value: 70, unit: 'ms', ts: 9, attrs: { startTime: 5, culprit: 'self', containerType: 'window' } });
  });

  it('takes a frame still queued in the observer at the hide, so it goes with the hide and not after it', () => {
    const queued = [{ entryType: 'long-animation-frame', name: 'long-animation-frame', startTime: 800, duration: 52 }];
    vi.stubGlobal('PerformanceObserver', Object.assign(class {
      observe() {}
      disconnect() {}
      takeRecords() {
        return queued.splice(0);
      }
    }, { supportedEntryTypes: ['long-animation-frame'] }));
    const recorded: PerfEvent[] = [];
    let hide = () => {};
    const stop = startLongFrames({
      record: (e) => void recorded.push(e), guard: createGuard(false), timed: (fn) => fn(),
      onHide: (fn) => ((hide = fn), () => (hide = () => {})),
    });
    expect(recorded).toEqual([]);
    hide();
    expect(recorded.map((e) => [e.name, e.value])).toEqual([['long-animation-frame', 52]]);
    stop();
  });
});
