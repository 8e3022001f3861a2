import { fetchCounted } from '../network';
import type { Strategy } from './context';

/** The network, never stored (the worker normally leaves such requests to the browser altogether). */
export const networkOnly: Strategy = (request, _d, ctx) => fetchCounted(request, ctx.counters);
