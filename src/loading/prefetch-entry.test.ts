import { describe, expect, it } from 'vitest';
import { PagePaceError } from '../core/errors';
import { startPrefetch } from './prefetch-entry';

// `pagepace/prefetch` on its own checks its options as createPagePace does, before touching the page
// (this runs in Node: a check that let a bad value through would fail on the missing DOM instead).
describe('pagepace/prefetch', () => {
  it('refuses concurrency: 0, which would silently stop prefetching, naming the option and the fix', () => {
    expect(() => startPrefetch({ concurrency: 0 })).toThrow(PagePaceError);
    expect(() => startPrefetch({ concurrency: 0 })).toThrow(/startPrefetch\(options\)\.concurrency must be an integer from 1 to 16; received 0/);
  });

  it('refuses unknown keys and values of the wrong type', () => {
    expect(() => startPrefetch({ hoverDelay: 50 } as never)).toThrow(/startPrefetch\(options\)/);
    expect(() => startPrefetch({ origins: ['cdn.example.com'] })).toThrow(/origins must be an array of origins/);
  });
});
