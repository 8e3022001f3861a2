import { afterEach, describe, expect, it, vi } from 'vitest';
import { startInSteps } from './startup';

const loadedPage = () => {
  vi.stubGlobal('document', { readyState: 'complete' });
  vi.stubGlobal('requestIdleCallback', (fn: () => void) => setTimeout(fn, 0));
  vi.stubGlobal('cancelIdleCallback', (id: ReturnType<typeof setTimeout>) => clearTimeout(id));
};
const tasks = (n: number) => new Promise((r) => setTimeout(r, n));

describe('start-up in steps', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('runs nothing at once, then one step per task after load, in order', async () => {
    loadedPage();
    const ran: number[] = [];
    const s = startInSteps([() => ran.push(1), () => ran.push(2), () => ran.push(3)]);
    expect(ran).toEqual([]);
    await tasks(1);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran.length).toBeLessThan(3); // yielded between steps
    await tasks(20);
    expect(ran).toEqual([1, 2, 3]);
    expect(s.done).toBe(true);
  });

  it('yields with scheduler.yield() where the browser has it', async () => {
    loadedPage();
    let yields = 0;
    vi.stubGlobal('scheduler', { yield: () => (yields++, Promise.resolve()) });
    const s = startInSteps([() => {}, () => {}, () => {}]);
    await tasks(5);
    expect(s.done).toBe(true);
    expect(yields).toBe(2);
  });

  it('finish() runs what is left now, in this task (a hide cannot wait), each step once', async () => {
    loadedPage();
    const ran: number[] = [];
    const s = startInSteps([() => ran.push(1), () => ran.push(2)]);
    s.finish();
    expect(ran).toEqual([1, 2]);
    await tasks(10);
    expect(ran).toEqual([1, 2]);
  });

  it('cancel() keeps the steps not yet run from running', async () => {
    loadedPage();
    const ran: number[] = [];
    const s = startInSteps([() => ran.push(1)]);
    s.cancel();
    await tasks(10);
    expect(ran).toEqual([]);
  });

  it('a step that throws does not stop the next (the runner guards it)', async () => {
    loadedPage();
    const ran: number[] = [];
    const errors: unknown[] = [];
    startInSteps([() => {
      throw new Error('x');
    }, () => ran.push(2)], (step) => {
      try {
        step();
      } catch (e) {
        errors.push(e);
      }
    }).finish();
    expect(ran).toEqual([2]);
    expect(errors).toHaveLength(1);
  });
});
