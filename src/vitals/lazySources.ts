import { subscribeHide } from '../core/lifecycle';
import type { SourceContext } from './context';
import { watchHistory } from './history';
import { startLongFrames } from './longFrames';
import { startMemory } from './memory';
import { startNavigation } from './navigation';
import { startContext } from './pageContext';
import { startResources } from './resources';
import { takeOverhead } from './overhead';
import type { Overhead } from './overhead';
import type { SourcesOptions } from './sources';

/** The eager parts the lazy sources serve. */
export interface LazyExtras {
  /** Follow the History API (automatic route mode), calling this on every URL change. */
  follow?: () => void;
  /** Report this overhead meter's figures when the page is hidden. */
  overhead?: Overhead;
  /** Bytes sent so far, for the overhead report. */
  bytesSent?: () => number;
}

/**
 * Starts the sources `o` asks for (defaults as in {@link SourcesOptions}), the overhead report at
 * page hide, and the History API follower of the automatic route mode.
 * The optional sources, kept out of the eager bundle: loaded by `import()` as pagepace starts.
 * Nothing is lost by the wait: their PerformanceObservers are buffered, the navigation entry
 * stays, and the History API follower catches up with the current URL at once.
 * @returns stop: every observer, listener and timer removed, the History API as it was.
 */
export function startLazySources(ctx: SourceContext, o: SourcesOptions, { follow, overhead, bytesSent }: LazyExtras = {}): () => void {
  const stops: Array<() => void> = [];
  const start = (feature: string, on: unknown, fn: () => () => void) => {
    if (on) stops.push(ctx.guard.run(feature, fn) ?? (() => {}));
  };
  start('navigation', o.navigation !== false, () => startNavigation(ctx));
  // The page view's context goes with its navigation: both are once per page view.
  start('context', o.navigation !== false, () => startContext(ctx));
  start('resources', o.resources !== false, () => startResources(ctx, { ignore: o.ignoreUrls ?? [], url: o.url ?? ((u) => u) }));
  start('longFrames', o.longFrames !== false, () => startLongFrames(ctx));
  start('memory', o.memory, () => startMemory(ctx, o.memory === true ? {} : o.memory || {}));
  start('overhead', overhead, () => {
    const report = ctx.guard.wrap('overhead', () => takeOverhead(overhead!, performance.timeOrigin + performance.now(), bytesSent?.()).forEach(ctx.record));
    return subscribeHide(report, ctx.onHide);
  });
  start('routes', follow, () => {
    follow!();
    return watchHistory(follow!);
  });
  return () => stops.splice(0).forEach((stop) => ctx.guard.run('destroy', stop));
}
