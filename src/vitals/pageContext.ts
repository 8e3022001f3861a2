import type { Attrs, PerfEvent } from '../core/types';
import type { SourceContext } from './context';
import { epoch } from './observe';

/** What the browser says of the device and connection (each field only where it exists). */
interface Device {
  connection?: { effectiveType?: string; saveData?: boolean };
  deviceMemory?: number;
  hardwareConcurrency?: number;
}

/** Server-Timing entries kept per page view, and the longest name: the server's header is not ours to trust. */
export const MAX_SERVER_TIMINGS = 20;
const MAX_NAME = 64;

/** The viewport class of a CSS width: `mobile` under 768 px, `tablet` under 1024, else `desktop`. */
export const viewportClass = (width: number): string => (width < 768 ? 'mobile' : width < 1024 ? 'tablet' : 'desktop');

/**
 * The `context` event of a page view, to split every figure by: `effectiveType`, `saveData`,
 * `deviceMemory`, `hardwareConcurrency` (each where the browser has it), `viewport` (a class) and,
 * with `nav`, the page's own Server-Timing entries as `serverTiming.<name>` = duration (ms).
 */
export function contextEvent(nav: Device, width: number, serverTiming: ReadonlyArray<{ name: string; duration: number }> = [], ts = Date.now()): PerfEvent {
  const c = nav.connection;
  const attrs: Attrs = {};
  if (typeof c?.effectiveType === 'string') attrs.effectiveType = c.effectiveType;
  if (typeof c?.saveData === 'boolean') attrs.saveData = c.saveData;
  if (typeof nav.deviceMemory === 'number') attrs.deviceMemory = nav.deviceMemory;
  if (typeof nav.hardwareConcurrency === 'number') attrs.hardwareConcurrency = nav.hardwareConcurrency;
  attrs.viewport = viewportClass(width);
  let n = 0;
  for (const { name, duration } of serverTiming) {
    const key = `serverTiming.${name.slice(0, MAX_NAME)}`;
    if (n >= MAX_SERVER_TIMINGS || !name || !Number.isFinite(duration) || Object.hasOwn(attrs, key)) continue;
    attrs[key] = duration;
    n++;
  }
  return { kind: 'context', name: 'context', value: 1, ts, attrs };
}

/**
 * Records the page view's context once, and again for each back/forward-cache restore (a new
 * page view; the Server-Timing entries belong to the first, the server served no restore).
 * @returns stop: removes the pageshow listener.
 */
export function startContext(ctx: SourceContext): () => void {
  const report = (withServer: boolean) => ctx.guard.run('context', () => ctx.timed(() => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the DOM's getEntriesByType is not generic; the rule misreads it
    const [entry] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    ctx.record(contextEvent(navigator, innerWidth, withServer ? entry?.serverTiming ?? [] : [], epoch()));
  }));
  report(true);
  const onShow = (e: PageTransitionEvent) => void (e.persisted && report(false));
  addEventListener('pageshow', onShow);
  return () => removeEventListener('pageshow', onShow);
}
