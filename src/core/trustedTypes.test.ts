import { afterEach, describe, expect, it, vi } from 'vitest';

// The policy is kept per copy of the module: each case starts from a fresh copy.
const load = async () => {
  vi.resetModules();
  return import('./trustedTypes');
};

/** A page whose Trusted Types allow the names in `allowed` (`createPolicy` throws for others, as browsers do). */
function trustedTypesAllowing(...allowed: string[]) {
  const createPolicy = vi.fn((name: string, rules: { createScriptURL(u: string): string; createScript(t: string): string }) => {
    if (!allowed.includes(name)) throw new TypeError(`Policy "${name}" disallowed.`);
    // What the page gets back wraps the rules' results, as a TrustedScriptURL would.
    return { createScriptURL: (u: string) => `trusted:${rules.createScriptURL(u)}`, createScript: (t: string) => `trusted:${rules.createScript(t)}` };
  });
  vi.stubGlobal('trustedTypes', { createPolicy });
  vi.stubGlobal('location', new URL('https://shop.example/cart'));
  return createPolicy;
}

afterEach(() => vi.unstubAllGlobals());

describe('Trusted Types', () => {
  it('where the page allows the policy `pagepace`, script URLs and Speculation Rules go through it, created once', async () => {
    const createPolicy = trustedTypesAllowing('pagepace');
    const { trustedScriptURL, trustedScript } = await load();
    expect(trustedScriptURL('/dist/pagepace.worker.js')).toBe('trusted:/dist/pagepace.worker.js');
    expect(trustedScriptURL('https://shop.example/pagepace-sw.js')).toBe('trusted:https://shop.example/pagepace-sw.js');
    expect(trustedScript('{"prefetch":[]}')).toBe('trusted:{"prefetch":[]}');
    expect(createPolicy).toHaveBeenCalledTimes(1);
    expect(createPolicy.mock.calls[0]![0]).toBe('pagepace');
  });

  it('the policy vouches for nothing it was not made for: another origin, or script text that is not JSON', async () => {
    trustedTypesAllowing('pagepace');
    const { trustedScriptURL, trustedScript } = await load();
    expect(() => trustedScriptURL('https://evil.example/x.js')).toThrow(TypeError);
    expect(() => trustedScript('alert(1)')).toThrow(SyntaxError);
  });

  it('where the page does not allow the name, plain strings are handed on (the sink refuses them, and the part falls back), asked once', async () => {
    const createPolicy = trustedTypesAllowing('someone-else');
    const { trustedScriptURL, trustedScript } = await load();
    expect(trustedScriptURL('/w.js')).toBe('/w.js');
    expect(trustedScript('{}')).toBe('{}');
    expect(createPolicy).toHaveBeenCalledTimes(1);
  });

  it('without Trusted Types (Firefox ESR 140), plain strings', async () => {
    const { trustedScriptURL, trustedScript } = await load();
    expect(trustedScriptURL('/w.js')).toBe('/w.js');
    expect(trustedScript('{}')).toBe('{}');
  });
});
