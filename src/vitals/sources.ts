import { importWhenOnline } from '../core/online';
import type { Guard } from '../core/guard';
import type { PerfEvent } from '../core/types';
import type { SourceContext } from './context';
import type { MemoryOptions } from './memory';
import { createOverhead } from './overhead';
import { createRoutes } from './routes';
import type { RouteOptions } from './routes';

/** Which sources run (each is skipped silently where the browser lacks what it needs). */
export interface SourcesOptions {
  /** Navigation timing phases (`navigation` events) and the page view's `context` event. Default true. */
  navigation?: boolean;
  /** Resource summary at page hide (`resources` and `resource` events). Default true. */
  resources?: boolean;
  /** Long animation frames with script attribution, or long tasks (`loaf` / `longtask`). Default true. */
  longFrames?: boolean;
  /** Memory samples and the leak signal (`memory`). Default false. */
  memory?: boolean | MemoryOptions;
  /** pagepace's own main-thread time and bytes sent (`overhead`), reported at page hide. Default true. */
  overhead?: boolean;
  /** Route views: `false` = only from the first `route()` call; an object tracks from the start (and `auto` follows the History API). */
  routes?: false | RouteOptions;
  /** URL prefixes kept out of the resource summary (pagepace's own endpoint). */
  ignoreUrls?: string[];
  /** Maps URLs before they go into events (privacy). */
  url?: (u: string) => string;
}

/** What the sources need from the pipeline. */
export interface SourcesDeps {
  /** The pipeline's entry. */
  record: (e: PerfEvent) => unknown;
  /** The failure guard. */
  guard: Guard;
  /** Bytes sent so far (all formats), for the overhead report. */
  bytesSent?: () => number;
  /** pagepace's lifecycle: hide-time reports subscribe to it (absent: a listener of their own). */
  onHide?: (fn: () => void) => () => void;
}

/** The running sources. */
export interface Sources {
  /** Starts a new route view (`pace.route(name)`). */
  route(name: string): void;
  /** The route name active at `performance.now()` time `t`, for late reports such as INP. */
  routeAt: (t: number) => string | undefined;
  /** Adds `attrs.route` (the current route view) to an event that has none. */
  annotate(e: PerfEvent): PerfEvent;
  /** Runs `fn`, counting its main-thread time as pagepace's overhead. */
  timed: <T>(fn: () => T) => T;
  /**
   * Loads and starts the optional sources (once; later calls return the same promise). Call it when
   * pagepace starts its own work, e.g. in idle time after load: their observers are buffered.
   * Resolves once they run (or failed to load, counted by the guard).
   */
  start(): Promise<void>;
  /** Removes every observer, listener and timer, and restores anything patched. */
  destroy(): void;
}

/**
 * Starts route tracking and the overhead meter at once; `start()` then loads the optional sources
 * (navigation, resources, long frames, memory, the History API follower, the overhead report)
 * from a lazily imported chunk. Safe in
 * any browser: a source whose API is missing does nothing, and nothing here throws into the page.
 */
export function startSources(opts: SourcesOptions, deps: SourcesDeps): Sources {
  const { guard } = deps;
  const overhead = opts.overhead !== false ? createOverhead() : undefined;
  const timed: SourceContext['timed'] = overhead ? overhead.timed : (fn) => fn();
  const ctx: SourceContext = { record: deps.record, guard, timed, ...(deps.onHide ? { onHide: deps.onHide } : {}) };
  const routes = createRoutes(ctx, !!opts.routes, opts.routes || {});
  let stopped = false;
  let stopLazy = () => {};
  let started: Promise<void> | undefined;

  const follow = opts.routes && opts.routes.auto ? routes.follow : undefined;
  const start = () =>
    (started ??= opts.navigation !== false || opts.resources !== false || opts.longFrames !== false || opts.memory || follow || overhead
      ? importWhenOnline(() => import('./lazySources')).then(
        ({ startLazySources }) => {
          if (!stopped) stopLazy = startLazySources(ctx, opts, { follow, overhead, bytesSent: deps.bytesSent });
        },
        (err) => guard.report('sources', err),
      )
      : Promise.resolve());

  return {
    route: (name) => routes.route(name),
    routeAt: (t) => routes.at(t)?.name,
    annotate(e) {
      const v = routes.current();
      return !v || e.attrs?.route !== undefined ? e : { ...e, attrs: { ...e.attrs, route: v.name } };
    },
    timed,
    start,
    destroy() {
      stopped = true;
      stopLazy();
    },
  };
}
