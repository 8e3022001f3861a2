import { describe, expect, it } from 'vitest';
import { PagePaceError } from '../core/errors';
import { startLazy } from './lazy-entry';

// `pagepace/lazy` on its own checks its options as createPagePace does, before touching the page
// (this runs in Node: a check that let a bad value through would fail on the missing DOM instead).
describe('pagepace/lazy', () => {
  it('refuses an out-of-range threshold, naming the option and what is allowed', () => {
    expect(() => startLazy({ threshold: 2 })).toThrow(PagePaceError);
    expect(() => startLazy({ threshold: 2 })).toThrow(/startLazy\(options\)\.threshold must be a number from 0 to 1; received 2/);
  });

  it('refuses unknown keys and values of the wrong type', () => {
    expect(() => startLazy({ rootmargin: '10px' } as never)).toThrow(/startLazy\(options\)\.rootmargin must be one of the known keys/);
    expect(() => startLazy({ onLoad: 'yes' } as never)).toThrow(/onLoad must be a function/);
  });
});
