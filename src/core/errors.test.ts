import { describe as suite, expect, it } from 'vitest';
import { PagePaceError, fail } from './errors';

suite('PagePaceError', () => {
  it('names the field, the value received and what is allowed', () => {
    let err: unknown;
    try { fail('batch.maxEvents', -1, 'an integer from 1 to 1000'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(PagePaceError);
    expect((err as PagePaceError).name).toBe('PagePaceError');
    expect((err as PagePaceError).field).toBe('batch.maxEvents');
    expect((err as Error).message).toBe('pagepace: batch.maxEvents must be an integer from 1 to 1000; received -1.');
  });
});
