import { describe, expect, it } from 'vitest';
import { safe } from './types';
import type { LoadingDeps } from './types';

describe('safe(): the wrapper of every lazy-loading and prefetch handler', () => {
  const deps = (log: string[]): LoadingDeps => ({
    report() {},
    onError: (f, e) => log.push(`error ${f}: ${(e as Error).message}`),
    timed: (fn) => {
      log.push('timed');
      return fn();
    },
  });

  it('times pagepace’s own handlers, so they count in overhead.cpu', () => {
    const log: string[] = [];
    safe(deps(log), 'lazy', (x: number) => log.push(`ran ${x}`))(1);
    expect(log).toEqual(['timed', 'ran 1']);
  });

  it('does not time the page’s own hooks (onLoad, onError), which are not our overhead', () => {
    const log: string[] = [];
    safe(deps(log), 'lazy.hook', () => log.push('hook'), false)();
    expect(log).toEqual(['hook']);
  });

  it('reports a throwing handler once per call and never rethrows', () => {
    const log: string[] = [];
    expect(() => safe(deps(log), 'prefetch', () => { throw new Error('boom'); })()).not.toThrow();
    expect(log).toEqual(['timed', 'error prefetch: boom']);
  });
});
