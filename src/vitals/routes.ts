import type { SourceContext } from './context';

/** Options of route tracking. */
export interface RouteOptions {
  /** Start a route view whenever the URL's route name changes (pushState, replaceState, back/forward). */
  auto?: boolean;
  /** Route name of a URL; default its pathname. Use it to fold ids: `/product/42` → `/product/:id`. */
  name?: (url: URL) => string;
}

/** One route view: a stretch of the page's life spent on one route. */
export interface RouteView {
  /** Route name. */
  name: string;
  /** When it started, `performance.now()` ms. */
  start: number;
  /** Views started so far in this page, 0 for the first. */
  view: number;
}

/** Route tracking of one page. */
export interface Routes {
  /** Starts a new route view named `name` and records a `route` event. */
  route(name: string, trigger?: string): void;
  /** The view active at `performance.now()` time `t` (undefined before any view). */
  at(t: number): RouteView | undefined;
  /** The view active now. */
  current(): RouteView | undefined;
  /** Starts a view if the URL's route name changed (the automatic mode calls it on History API changes). */
  follow: () => void;
}

/** Views remembered to attribute late reports (INP, CLS arrive at page hide). */
export const ROUTE_HISTORY = 100;

/**
 * Tracks route views of a single-page app. With `enabled`, the first view is the page's own
 * route from time 0; otherwise views start with the first `route()` call. Each view records a
 * `route` event (value = its start time, attrs `route`, `from`, `trigger`, `view`). The automatic
 * mode ({@link watchHistory} calling `follow`) is started by the caller.
 */
export function createRoutes(ctx: SourceContext, enabled: boolean, opts: RouteOptions = {}): Routes {
  const views: RouteView[] = [];
  let count = 0;
  const nameOf = (href: string): string => {
    const url = new URL(href, location.href);
    return (opts.name && ctx.guard.run('routes.name', () => opts.name!(url))) || url.pathname;
  };
  const push = (name: string, start: number) => {
    const v: RouteView = { name, start, view: count++ };
    views.push(v);
    if (views.length > ROUTE_HISTORY) views.shift();
    return v;
  };
  if (enabled) push(nameOf(location.href), 0);

  const route = (name: string, trigger = 'api') => ctx.timed(() => {
    const prev = views.at(-1) ?? push(nameOf(location.href), 0);
    const v = push(name, performance.now());
    ctx.record({
      kind: 'route', name: 'route', value: v.start, unit: 'ms', ts: performance.timeOrigin + v.start,
      attrs: { route: name, from: prev.name, trigger, view: v.view },
    });
  });

  // Automatic mode: follow the History API (loaded with the lazy sources; it catches up at once).
  const follow = ctx.guard.wrap('routes', () => {
    const name = nameOf(location.href);
    if (name !== views.at(-1)?.name) route(name, 'history');
  });

  return {
    route,
    at: (t) => views.findLast((v) => v.start <= t),
    current: () => views.at(-1),
    follow,
  };
}
