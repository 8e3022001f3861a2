/** `pagepace/prefetch`: prefetching and preconnecting on their own. */
export { startPrefetch } from './prefetch';
export type { Prefetcher, PrefetchStartOptions, PrefetchStats } from './prefetch';
export { DEFAULT_IGNORE } from './links';
export type { LoadingDeps } from './types';
