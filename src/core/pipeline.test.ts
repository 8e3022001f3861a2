import { describe, expect, it } from 'vitest';
import type { PerfEvent } from './types';
import { runPipeline } from './pipeline';
import type { Step } from './pipeline';

const ev: PerfEvent = { kind: 'custom', name: 'a', value: 1, ts: 1 };

describe('the pipeline', () => {
  it('runs its steps in order, each seeing what the one before passed on', () => {
    const seen: string[] = [];
    const steps: Step[] = [
      (e) => (seen.push(`1:${e.name}`), { ...e, name: 'b' }),
      (e) => (seen.push(`2:${e.name}`), e),
    ];
    expect(runPipeline(steps, ev).name).toBe('b');
    expect(seen).toEqual(['1:a', '2:b']);
  });

  it('a step returning null stops the event there; the caller still gets the event', () => {
    const seen: string[] = [];
    const out = runPipeline([(e) => e, () => null, (e) => (seen.push('never'), e)], ev);
    expect(seen).toEqual([]);
    expect(out).toBe(ev);
  });
});
