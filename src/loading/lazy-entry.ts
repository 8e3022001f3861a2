/** `pagepace/lazy`: lazy loading on its own. */
import { checkLazy } from '../core/config';
import { outsideZone } from '../core/zone';
import { startLazy as start } from './lazy';
import type { LazyLoader, LazyStartOptions } from './lazy';
import type { LoadingDeps } from './types';

/**
 * Starts lazy loading of `img[data-src]`, `[data-srcset]`/`[data-sizes]`, `<picture>` sources,
 * `iframe[data-src]`, videos, `[data-bg]` and `[data-lazy-component]`, present now or added
 * later, without the rest of pagepace. Options are checked as `createPagePace`'s `lazy` option is,
 * and only their own keys are read. Runs in zone.js's root zone, as `createPagePace` does.
 * @throws PagePaceError naming the option, the value received and what is allowed.
 * @example
 * const lazy = startLazy({ rootMargin: '300px' });
 * lazy.registerComponent('chart', () => import('./chart.js'));
 */
export function startLazy(options: LazyStartOptions = {}, deps?: LoadingDeps): LazyLoader {
  return outsideZone(() => start(checkLazy(options, 'startLazy(options)') as LazyStartOptions, deps));
}
export type { ComponentLoader, ComponentMount, LazyLoader, LazyStartOptions, LazyStats } from './lazy';
export type { LoadingDeps } from './types';
