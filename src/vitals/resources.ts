import { subscribeHide } from '../core/lifecycle';
import type { Attrs, PerfEvent } from '../core/types';
import { epoch, observe } from './observe';
import type { SourceContext } from './context';

/** The resource entries' fields the summary reads (a PerformanceResourceTiming fits). */
export type ResourceLike = Pick<PerformanceResourceTiming, 'name' | 'initiatorType' | 'startTime' | 'duration' | 'transferSize' | 'decodedBodySize'> &
  Partial<PerformanceResourceTiming> & {
    /** Newer than TypeScript's DOM types: `cache`, `navigational-prefetch` or empty. */
    deliveryType?: string;
    /** Newer than TypeScript's DOM types: `blocking` or `non-blocking`. */
    renderBlockingStatus?: string;
    /** Newer than TypeScript's DOM types: the response's MIME type, when known. */
    contentType?: string;
  };

/** Slowest resources reported per page. */
export const SLOWEST = 5;

/** The keys of the binary protocol's `resource` schema (docs/protocol.md §8) copied from an entry. */
const TIMES = [
  'startTime', 'redirectStart', 'redirectEnd', 'workerStart', 'fetchStart', 'domainLookupStart', 'domainLookupEnd', 'connectStart',
  'secureConnectionStart', 'connectEnd', 'requestStart', 'responseStart', 'responseEnd', 'encodedBodySize', 'transferSize',
  'decodedBodySize', 'responseStatus',
] as const;
const STRINGS = ['initiatorType', 'nextHopProtocol', 'renderBlockingStatus', 'deliveryType', 'contentType'] as const;

interface Tally {
  count: number;
  bytes: number;
  decoded: number;
  cached: number;
  blocking: number;
}

/**
 * A cache hit: nothing crossed the network but a body was delivered. Cross-origin entries without
 * Timing-Allow-Origin report 0 for both sizes, so they are not counted as hits (unknown).
 */
export const isCacheHit = (r: ResourceLike): boolean => r.deliveryType === 'cache' || (r.transferSize === 0 && r.decodedBodySize > 0);

/** A resource as a `resource` event: name = URL, value = duration, attrs with the schema's keys. */
export function resourceEvent(r: ResourceLike, ts: number, url: (u: string) => string = (u) => u): PerfEvent {
  const attrs: Attrs = {};
  const rec = r as unknown as Record<string, unknown>;
  for (const k of TIMES) {
    const v = rec[k];
    if (typeof v === 'number' && (v > 0 || k === 'startTime' || k === 'transferSize')) attrs[k] = v;
  }
  for (const k of STRINGS) {
    const v = rec[k];
    if (typeof v === 'string' && v) attrs[k] = v;
  }
  return { kind: 'resource', name: url(r.name), value: r.duration, unit: 'ms', ts, attrs };
}

/**
 * Accumulates a page's resources in bounded memory: counts and bytes per initiator type, cache
 * hits, render-blocking resources, and the few slowest entries.
 */
export function createResourceTally(slowest = SLOWEST) {
  let byType = new Map<string, Tally>();
  let top: ResourceLike[] = [];
  return {
    /** Counts one resource entry. */
    add(r: ResourceLike): void {
      const types = [r.initiatorType || 'other', '*'];
      for (const type of types) {
        const t = byType.get(type) ?? { count: 0, bytes: 0, decoded: 0, cached: 0, blocking: 0 };
        byType.set(type, t);
        t.count++;
        t.bytes += r.transferSize || 0;
        t.decoded += r.decodedBodySize || 0;
        if (isCacheHit(r)) t.cached++;
        if (r.renderBlockingStatus === 'blocking') t.blocking++;
      }
      if (top.length < slowest || r.duration > top[top.length - 1]!.duration) {
        top.push(r);
        top.sort((a, b) => b.duration - a.duration);
        top.length = Math.min(top.length, slowest);
      }
    },
    /**
     * The summary as events, then starts over: `resources` (all) and `resources.<type>`, value =
     * count, attrs `bytes` (transferred), `decoded`, `cached`, `blocking`; then the slowest as
     * `resource` events. Empty when nothing was added.
     */
    take(ts: number, url?: (u: string) => string): PerfEvent[] {
      const out: PerfEvent[] = [];
      for (const [type, t] of byType) {
        out.push({ kind: 'resources', name: type === '*' ? 'resources' : `resources.${type}`, value: t.count, unit: 'count', ts, attrs: { ...t } });
      }
      for (const r of top) out.push(resourceEvent(r, ts, url));
      byType = new Map();
      top = [];
      return out;
    },
  };
}

/** Options of {@link startResources}. */
export interface ResourceOptions {
  /** URL prefixes left out of the summary, e.g. pagepace's own endpoint (its cost is reported as overhead). */
  ignore?: string[];
  /** Maps URLs before they are sent (privacy: strip query strings). */
  url?: (u: string) => string;
}

/**
 * Tallies resources as they load and reports the summary when the page is hidden (each time,
 * with what loaded since the last report), so a page reports once per visit however long it lives.
 * @returns stop.
 */
export function startResources(ctx: SourceContext, opts: ResourceOptions = {}): () => void {
  const tally = createResourceTally();
  const ignore = (opts.ignore ?? []).map((u) => new URL(u, location.href).href);
  const obs = observe('resource', ctx.guard.wrap('resources', (entries) => ctx.timed(() => {
    for (const e of entries as PerformanceResourceTiming[]) if (!ignore.some((p) => e.name.startsWith(p))) tally.add(e);
  })));
  if (!obs) return () => {};
  const report = ctx.guard.wrap('resources', () => {
    obs.flush();
    ctx.timed(() => tally.take(epoch(), opts.url).forEach(ctx.record));
  });
  const unHide = subscribeHide(report, ctx.onHide);
  return () => {
    obs.stop();
    unHide();
  };
}
