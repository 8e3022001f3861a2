/** `pagepace/lazy`: lazy loading on its own. */
export { startLazy } from './lazy';
export type { ComponentLoader, ComponentMount, LazyLoader, LazyStartOptions, LazyStats } from './lazy';
export type { LoadingDeps } from './types';
