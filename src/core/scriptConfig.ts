import { PagePaceError } from './errors';
import type { PagePaceConfig } from './config';

const ATTRS: Record<string, string> = {
  endpoint: 'data-endpoint', format: 'data-format', serviceWorker: 'data-sw', sampleRate: 'data-sample-rate',
  lazy: 'data-lazy', prefetch: 'data-prefetch', debug: 'data-debug',
};

/** "true"/"" → true, "false" → false; anything else passes through so validation names it. */
const flag = (v: string | undefined): unknown => (v === undefined ? undefined : v === '' || v === 'true' ? true : v === 'false' ? false : v);

/** Reads the `data-*` attributes of pagepace's own `<script>` into a config (not yet validated). */
export function configFromScript(el: HTMLOrSVGScriptElement): PagePaceConfig {
  const d = el.dataset;
  const c: Record<string, unknown> = {};
  if (d.endpoint !== undefined) c.endpoint = d.endpoint;
  if (d.format !== undefined) c.format = d.format;
  if (d.sw) c.serviceWorker = { url: d.sw };
  if (d.sampleRate !== undefined) c.sampleRate = d.sampleRate.trim() !== '' && !isNaN(+d.sampleRate) ? +d.sampleRate : d.sampleRate;
  for (const k of ['lazy', 'prefetch', 'debug'] as const) if (d[k] !== undefined) c[k] = flag(d[k]);
  return c;
}

/** Rewrites a config error to name the attribute the user actually wrote. */
export function scriptError(err: unknown): unknown {
  if (!(err instanceof PagePaceError)) return err;
  const key = err.field.split('.')[0]!;
  const attr = ATTRS[key];
  return attr ? new PagePaceError(err.field, err.message.replace(`pagepace: ${err.field}`, `pagepace: ${attr} (${err.field})`)) : err;
}
