import { afterEach, describe, expect, it, vi } from 'vitest';
import { HELD, withSendLock } from './swContract';

const lockManager = (request: (name: string, opts: object, fn: (lock: object | null) => Promise<unknown>) => Promise<unknown>) =>
  vi.stubGlobal('navigator', { locks: { request } });

describe('withSendLock', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends holding the lock, and answers HELD when another context holds it', async () => {
    lockManager(async (_n, _o, fn) => fn({}));
    expect(await withSendLock('k', async () => 'sent')).toBe('sent');
    lockManager(async (_n, _o, fn) => fn(null));
    const send = vi.fn(async () => 'sent');
    expect(await withSendLock('k', send)).toBe(HELD);
    expect(send).not.toHaveBeenCalled();
  });

  it('sends without the lock where Web Locks are denied (a sandboxed iframe: SecurityError)', async () => {
    lockManager(() => Promise.reject(new DOMException('Access to the Locks API is denied in this context.', 'SecurityError')));
    const send = vi.fn(async () => 'sent');
    expect(await withSendLock('k', send)).toBe('sent');
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('sends without the lock where there are no Web Locks', async () => {
    vi.stubGlobal('navigator', {});
    expect(await withSendLock('k', async () => 'sent')).toBe('sent');
  });

  it("passes send's own failure on, without sending again", async () => {
    lockManager(async (_n, _o, fn) => fn({}));
    const send = vi.fn(async () => Promise.reject(new Error('network')));
    await expect(withSendLock('k', send)).rejects.toThrow('network');
    expect(send).toHaveBeenCalledTimes(1);
  });
});
