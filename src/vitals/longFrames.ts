import type { Attrs, PerfEvent } from '../core/types';
import { subscribeHide } from '../core/lifecycle';
import { epoch, observe } from './observe';
import type { SourceContext } from './context';

/** The fields of a long-animation-frame script entry that are reported. */
export interface ScriptLike {
  invokerType?: string;
  invoker?: string;
  sourceURL?: string;
  sourceFunctionName?: string;
  sourceCharPosition?: number;
  windowAttribution?: string;
  startTime: number;
  executionStart?: number;
  duration: number;
  forcedStyleAndLayoutDuration?: number;
  pauseDuration?: number;
}

/** The fields of a long-animation-frame entry that are reported. */
export interface FrameLike {
  startTime: number;
  duration: number;
  renderStart?: number;
  styleAndLayoutStart?: number;
  blockingDuration?: number;
  firstUIEventTimestamp?: number;
  scripts?: readonly ScriptLike[];
}

/** Scripts reported per frame: the longest few explain a frame; the rest cost bytes. */
export const MAX_SCRIPTS = 3;
/** Long frames reported per page, so a janky page cannot flood the beacon. */
export const MAX_FRAMES = 50;

const FRAME_KEYS = ['startTime', 'renderStart', 'styleAndLayoutStart', 'blockingDuration', 'firstUIEventTimestamp'] as const;
const SCRIPT_KEYS = [
  'invokerType', 'invoker', 'sourceURL', 'sourceFunctionName', 'sourceCharPosition', 'windowAttribution',
  'startTime', 'executionStart', 'duration', 'forcedStyleAndLayoutDuration', 'pauseDuration',
] as const;

function copy(into: Attrs, from: object, keys: readonly string[], prefix: string): void {
  const rec = from as Record<string, unknown>;
  for (const k of keys) {
    const v = rec[k];
    // -1 is the spec's "unknown" char position; empty strings say nothing.
    if ((typeof v === 'number' && Number.isFinite(v) && v >= 0) || (typeof v === 'string' && v)) into[prefix + k] = v;
  }
}

/**
 * A long animation frame as a `loaf` event named `long-animation-frame`, value = duration, with
 * the keys of the binary protocol's `loaf` schema and its longest scripts as `scripts.<i>.<field>`.
 */
export function loafEvent(f: FrameLike, ts: number, maxScripts = MAX_SCRIPTS): PerfEvent {
  const attrs: Attrs = {};
  copy(attrs, f, FRAME_KEYS, '');
  const scripts = [...(f.scripts ?? [])].sort((a, b) => b.duration - a.duration).slice(0, maxScripts);
  scripts.forEach((s, i) => copy(attrs, s, SCRIPT_KEYS, `scripts.${i}.`));
  return { kind: 'loaf', name: 'long-animation-frame', value: f.duration, unit: 'ms', ts, attrs };
}

/** A long task (the fallback where long animation frames are not supported): less detail, same idea. */
export function longTaskEvent(t: PerformanceEntry & { attribution?: ReadonlyArray<{ containerType?: string; containerSrc?: string }> }, ts: number): PerfEvent {
  const attrs: Attrs = { startTime: t.startTime, culprit: t.name };
  const a = t.attribution?.[0];
  if (a?.containerType) attrs.containerType = a.containerType;
  if (a?.containerSrc) attrs.containerSrc = a.containerSrc;
  return { kind: 'longtask', name: 'longtask', value: t.duration, unit: 'ms', ts, attrs };
}

/**
 * Reports long animation frames with script attribution, or long tasks where the browser has no
 * LoAF; at most `max` per page.
 * @returns stop.
 */
export function startLongFrames(ctx: SourceContext, max = MAX_FRAMES): () => void {
  let left = max;
  const report = (toEvent: (e: PerformanceEntry) => PerfEvent) =>
    ctx.guard.wrap('longFrames', (entries: PerformanceEntry[]) => ctx.timed(() => {
      for (const e of entries) if (left-- > 0) ctx.record(toEvent(e));
    }));
  const obs =
    observe('long-animation-frame', report((e) => loafEvent(e, epoch(e.startTime)))) ??
    observe('longtask', report((e) => longTaskEvent(e, epoch(e.startTime))));
  if (!obs) return () => {};
  // A frame that ended just before the hide may still wait in the observer's queue (its callback is
  // a low-priority task): taken now, it goes in the hide's request rather than in one of its own.
  const unHide = subscribeHide(ctx.guard.wrap('longFrames', () => obs.flush()), ctx.onHide);
  return () => {
    obs.stop();
    unHide();
  };
}
