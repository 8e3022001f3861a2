import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGuard } from './guard';
import { lazyPart } from './lazyPart';

// Browser code: an online browser (Node 20 has no navigator).
beforeEach(() => vi.stubGlobal('navigator', { onLine: true }));
afterEach(() => vi.unstubAllGlobals());

const chunk = <M>(m: M) => () => Promise.resolve(m);

describe('a lazily loaded part', () => {
  it('queues the calls made before its chunk arrived and runs them once it has started', async () => {
    const calls: string[] = [];
    const part = lazyPart('p', createGuard(false), chunk({ n: 1 }), (m) => ({ say: (s: string) => calls.push(`${m.n}:${s}`) }));
    part.use((p) => p.say('early'));
    expect(calls).toEqual([]);
    await part.load();
    part.use((p) => p.say('late'));
    expect(calls).toEqual(['1:early', '1:late']);
  });

  it('loads once, however often load() is called', async () => {
    let imports = 0;
    const part = lazyPart('p', createGuard(false), () => (imports++, Promise.resolve(1)), (m) => m);
    await Promise.all([part.load(), part.load()]);
    expect(imports).toBe(1);
  });

  it('does not start after stop(), and drops the queued calls', async () => {
    let started = 0;
    const calls: number[] = [];
    const part = lazyPart('p', createGuard(false), chunk(1), () => (started++, { go: () => calls.push(1) }));
    part.use((p) => p.go());
    const loading = part.load();
    part.stop();
    expect(await loading).toBeUndefined();
    expect(started).toBe(0);
    expect(calls).toEqual([]);
  });

  it('stops a started part with its own stop function', async () => {
    const stopped: number[] = [];
    const part = lazyPart('p', createGuard(false), chunk(7), (m) => m, (v) => stopped.push(v));
    await part.load();
    part.stop();
    expect(stopped).toEqual([7]);
    expect(part.value).toBeUndefined();
  });

  it('a chunk that fails to load is reported once under its feature; tried resolves all the same', async () => {
    const guard = createGuard(false);
    const part = lazyPart('p', guard, () => Promise.reject(new Error('404')), (m) => m);
    // importWhenOnline retries with a delay; the first failure settles `tried` at once.
    void part.load();
    await part.tried;
    expect(part.value).toBeUndefined();
  });

  it('a start that throws degrades only this part: reported, value undefined', async () => {
    const guard = createGuard(false);
    const part = lazyPart('p', guard, chunk(1), () => {
      throw new Error('boom');
    });
    expect(await part.load()).toBeUndefined();
    expect(guard.errors).toBe(1);
  });

  it('keeps at most 100 early calls', async () => {
    const calls: number[] = [];
    const part = lazyPart('p', createGuard(false), chunk(0), () => ({ go: (i: number) => calls.push(i) }));
    for (let i = 0; i < 150; i++) part.use((p) => p.go(i));
    await part.load();
    expect(calls).toHaveLength(100);
  });
});
