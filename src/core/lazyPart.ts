import type { Guard } from './guard';
import { importWhenOnline } from './online';

/** A part of pagepace that lives in a chunk of its own: fetched once, started once, stopped once. */
export interface LazyPart<T> {
  /** The part once started; undefined before, after a failure, or after stop(). */
  readonly value: T | undefined;
  /** Fetches and starts the part (once; later calls return the same promise). */
  load(): Promise<T | undefined>;
  /** Resolves after the first try to fetch it, succeeded or not (flush() waits for that, never for the network). */
  readonly tried: Promise<void>;
  /** Calls `fn` with the part now, or once it has started; at most 100 calls wait, none after stop(). */
  use(fn: (part: T) => void): void;
  /** Stops the part, or keeps it from starting if it has not yet. */
  stop(): void;
}

/**
 * What every lazily loaded part needs, written once: import it (retried once online), start it
 * unless pagepace was destroyed meanwhile, report a failure to the guard under `feature` (the part
 * degrades, nothing else does), and queue the calls made before it arrived.
 */
export function lazyPart<M, T>(
  feature: string,
  guard: Guard,
  load: () => Promise<M>,
  start: (m: M) => T | undefined,
  stop: (part: T) => void = () => {},
): LazyPart<T> {
  let value: T | undefined;
  let stopped = false;
  let loading: Promise<T | undefined> | undefined;
  let queue: Array<(part: T) => void> = [];
  let tried!: () => void;
  const triedP = new Promise<void>((r) => (tried = r));
  return {
    get value() {
      return value;
    },
    tried: triedP,
    load() {
      loading ??= importWhenOnline(load, tried)
        .then((m) => {
          if (stopped) return undefined;
          value = guard.run(feature, () => start(m));
          const waiting = queue;
          queue = [];
          if (value !== undefined) for (const fn of waiting) guard.run(feature, () => fn(value!));
          return value;
        })
        .catch((err) => (guard.report(feature, err), undefined))
        .finally(tried);
      return loading;
    },
    use(fn) {
      if (value !== undefined) guard.run(feature, () => fn(value!));
      else if (!stopped && queue.length < 100) queue.push(fn);
    },
    stop() {
      stopped = true;
      queue = [];
      if (value !== undefined) guard.run(feature, () => stop(value!));
      value = undefined;
    },
  };
}
