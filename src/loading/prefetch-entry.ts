/** `pagepace/prefetch`: prefetching and preconnecting on their own. */
import { checkPrefetch } from '../core/config';
import { outsideZone } from '../core/zone';
import { startPrefetch as start } from './prefetch';
import type { Prefetcher, PrefetchStartOptions } from './prefetch';
import type { LoadingDeps } from './types';

/**
 * Starts prefetching and preconnecting without the rest of pagepace. Options are checked as
 * `createPagePace`'s `prefetch` option is (a `concurrency: 0` would silently stop it otherwise).
 * Runs in zone.js's root zone, as `createPagePace` does.
 * @throws PagePaceError naming the option, the value received and what is allowed.
 */
export function startPrefetch(options: PrefetchStartOptions = {}, deps?: LoadingDeps): Prefetcher {
  // What the check returns: the options' own keys, on an object without a prototype (a host
  // page's Object.prototype extras are not options).
  return outsideZone(() => start(checkPrefetch(options, 'startPrefetch(options)') as PrefetchStartOptions, deps));
}
export type { Prefetcher, PrefetchStartOptions, PrefetchStats } from './prefetch';
export { DEFAULT_IGNORE } from './links';
export type { LoadingDeps } from './types';
