import { PagePaceError } from './errors';
import type { PagePaceConfig } from './config';

const ATTRS: Record<string, string> = {
  endpoint: 'data-endpoint', format: 'data-format', serviceWorker: 'data-sw', sampleRate: 'data-sample-rate',
  lazy: 'data-lazy', prefetch: 'data-prefetch', debug: 'data-debug',
};

/**
 * Reads the `data-*` attributes of pagepace's own `<script>` into a config (not yet validated):
 * "true"/"" → true and "false" → false for the switches, a number for `data-sample-rate` when it
 * is one; anything else passes through so validation names it. By `getAttribute`, not `dataset`:
 * an absent `dataset.format` is looked up on Object.prototype, where a polluted host page may
 * have put one.
 */
export function configFromScript(el: HTMLOrSVGScriptElement): PagePaceConfig {
  const c: Record<string, unknown> = {};
  for (const [k, name] of Object.entries(ATTRS)) {
    const v = el.getAttribute(name);
    if (v === null) continue;
    if (k == 'serviceWorker') {
      if (v) c[k] = { url: v };
    } else if (k == 'sampleRate') c[k] = v.trim() !== '' && !isNaN(+v) ? +v : v;
    else c[k] = k == 'endpoint' || k == 'format' ? v : v === '' || v === 'true' ? true : v === 'false' ? false : v;
  }
  return c;
}

/** Rewrites a config error to name the attribute the user actually wrote. */
export function scriptError(err: unknown): unknown {
  if (!(err instanceof PagePaceError)) return err;
  const key = err.field.split('.')[0]!;
  const attr = ATTRS[key];
  return attr ? new PagePaceError(err.field, err.message.replace(`pagepace: ${err.field}`, `pagepace: ${attr} (${err.field})`)) : err;
}
