import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSession } from './ids';

describe('loadSession, on first use', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads sessionStorage only when the session is first used, and once', () => {
    const store = new Map<string, string>();
    const getItem = vi.fn((k: string) => store.get(k) ?? null);
    vi.stubGlobal('sessionStorage', { getItem, setItem: (k: string, v: string) => void store.set(k, v) });
    const s = loadSession(1);
    expect(getItem).not.toHaveBeenCalled(); // start-up pays nothing
    expect(s.sampled).toBe(true);
    expect(s.id).toMatch(/^[0-9a-f]{32}$/);
    expect(getItem).toHaveBeenCalledTimes(1);
    // The next page load of the tab finds the same session.
    expect(loadSession(0).id).toBe(s.id);
    expect(loadSession(0).sampled).toBe(true);
  });

  it('without storage the session lives as long as the page', () => {
    vi.stubGlobal('sessionStorage', { getItem: () => { throw new Error('blocked'); }, setItem: () => { throw new Error('blocked'); } });
    const s = loadSession(0);
    expect(s.sampled).toBe(false);
    expect(s.id).toBe(s.id);
  });
});
