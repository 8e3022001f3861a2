// Trusted Types. A page served with `require-trusted-types-for 'script'` makes every script sink
// refuse a plain string: the encoding worker's URL, the service worker's URL and the text of a
// Speculation Rules script are three that pagepace uses. It hands them only values it built itself,
// through one policy named `pagepace`, which the page allows with `trusted-types pagepace`.
//
// The policy is created once per copy of this module, on the first use, and kept private to the
// module: a policy reachable from the page (a global) would let any script mint trusted values with
// it. Where the page's CSP lists names without `pagepace`, creating it throws (and the browser
// reports one violation); pagepace then passes strings, the sink refuses them, and only that part
// falls back (main-thread encoding, `<link rel=prefetch>`, no service worker).

/** The two kinds of trusted value pagepace needs, as the sinks take them (strings to TypeScript). */
interface Policy {
  createScriptURL(url: string): string;
  createScript(text: string): string;
}

/** `undefined`: not asked yet; `null`: no Trusted Types here, or the page does not allow the name. */
let policy: Policy | null | undefined;

function get(): Policy | null {
  if (policy === undefined) {
    try {
      policy = (globalThis as { trustedTypes?: { createPolicy(name: string, rules: Policy): Policy } }).trustedTypes?.createPolicy('pagepace', {
        // Workers and service workers must be same-origin anyway: refuse anything else rather than vouch for it.
        createScriptURL(url) {
          if (new URL(url, location.href).origin != location.origin) throw TypeError(url);
          return url;
        },
        // Only ever Speculation Rules (JSON, which runs no code): refuse anything that does not parse.
        createScript: (text) => (JSON.parse(text), text),
      }) ?? null;
    } catch {
      // The page's CSP does not allow the name `pagepace`.
      policy = null;
    }
  }
  return policy;
}

/** `url` as a script URL the page's Trusted Types accept (the string itself where they are not enforced or not allowed). */
export const trustedScriptURL = (url: string): string => get()?.createScriptURL(url) ?? url;

/** `text` (Speculation Rules JSON) as a script text the page's Trusted Types accept. */
export const trustedScript = (text: string): string => get()?.createScript(text) ?? text;
