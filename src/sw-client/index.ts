// `pagepace/sw-client`: registers dist/pagepace-sw.js through workbox-window once the page has
// loaded, reports "update available", activates the waiting worker on request and talks to the
// worker (stats, invalidation, clearing a tier). Import it lazily: nothing here runs before `load`.
import { Workbox } from 'workbox-window';
// Types only: the message strings are the contract's literal types, checked here by the compiler,
// so this chunk shares no code with the beacon's.
import type { SwReply, SwRequest, SwTierName } from '../shared/swContract';
import type { SwStats, SwWorkerConfig } from './types';
import { swScriptUrl } from './url';
import { trustedScriptURL } from '../core/trustedTypes';
import { swCounters } from './events';
import type { SwCounters } from './events';

export type { SwRoute, SwStats, SwStrategy, SwTierStats, SwWorkerConfig } from './types';
export { swScriptUrl } from './url';
export { swCounters, swStatsEvents } from './events';
export type { SwCounters } from './events';

/** Options of `registerServiceWorker`. */
export interface RegisterOptions {
  /** The worker's script URL, e.g. `/pagepace-sw.js` (serve it from the root to control the whole site). */
  url: string;
  /** Registration scope; default: the script's directory. */
  scope?: string;
  /** What the worker does; passed in its script URL (see `swScriptUrl`). */
  config?: SwWorkerConfig;
  /** Called when a new version has installed and waits; call `activateUpdate()` to switch to it. */
  onUpdate?: () => void;
  /** Called if registration fails (the page carries on without a worker). */
  onError?: (error: unknown) => void;
  /** Max wait for a reply from the worker (ms). Default 3000. */
  timeoutMs?: number;
}

/** The running registration. */
export interface SwHandle {
  /** Resolves once the worker is activated; `undefined` when unsupported or registration failed. Never rejects. */
  ready: Promise<ServiceWorkerRegistration | undefined>;
  /** Whether a new version is waiting. */
  readonly updateAvailable: boolean;
  /** The active worker's stats; `undefined` if it does not answer in time. */
  stats(): Promise<SwStats | undefined>;
  /** Deletes cached entries whose URL matches, in both tiers; resolves with how many went. */
  invalidate(pattern: RegExp | string): Promise<number>;
  /** Empties L1 (memory), L2 (IndexedDB) or both. */
  clear(tier: SwTierName): Promise<void>;
  /** Asks the browser to check for a new version now. */
  update(): Promise<void>;
  /** Activates the waiting version; resolves `true` once it controls the page (reload to use it throughout). */
  activateUpdate(): Promise<boolean>;
  /** `update` (a new version waits) and `controlling` (a new worker took control). */
  addEventListener(type: 'update' | 'controlling', listener: () => void): void;
  removeEventListener(type: 'update' | 'controlling', listener: () => void): void;
  /** Removes pagepace's listeners; the worker stays registered. */
  destroy(): void;
}

/** Resolves once `reg` has an active worker in state `activated` (`ready` can resolve while still activating). */
function whenActivated(reg: ServiceWorkerRegistration): Promise<ServiceWorkerRegistration> {
  return new Promise((resolve) => {
    const check = () => {
      if (reg.active?.state === 'activated') return resolve(reg);
      for (const w of [reg.installing, reg.waiting, reg.active]) w?.addEventListener('statechange', check, { once: true });
    };
    check();
  });
}

/** Posts `msg` to `sw` and waits for the reply on a MessageChannel; `undefined` on timeout. */
function ask<T>(sw: ServiceWorker | null | undefined, msg: unknown, ms: number): Promise<T | undefined> {
  if (!sw) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    const timer = setTimeout(() => {
      port1.close();
      resolve(undefined);
    }, ms);
    port1.onmessage = (e) => {
      clearTimeout(timer);
      port1.close();
      resolve(e.data as T);
    };
    sw.postMessage(msg, [port2]);
  });
}

/**
 * Registers the pagepace service worker after the page's `load` event (through workbox-window).
 * Never throws and never rejects into the page: without service worker support it returns an inert handle.
 * @example
 * const sw = registerServiceWorker({ url: '/pagepace-sw.js', onUpdate: () => showReloadButton() });
 * button.onclick = async () => { if (await sw.activateUpdate()) location.reload(); };
 */
export function registerServiceWorker(options: RegisterOptions): SwHandle {
  // Own keys only, on an object without a prototype: an option the caller did not give (onUpdate,
  // scope…) is never found on a host page's polluted Object.prototype.
  const opts: RegisterOptions = Object.assign(Object.create(null) as RegisterOptions, options);
  const timeoutMs = opts.timeoutMs ?? 3000;
  const target = new EventTarget();
  let reg: ServiceWorkerRegistration | undefined;
  let wb: Workbox | undefined;
  let destroyed = false;
  let updateAvailable = false;

  const onWaiting = () => {
    if (destroyed) return;
    updateAvailable = true;
    target.dispatchEvent(new Event('update'));
    try {
      opts.onUpdate?.();
    } catch (e) {
      opts.onError?.(e);
    }
  };
  const onControlling = () => {
    if (destroyed) return;
    updateAvailable = !!reg?.waiting;
    target.dispatchEvent(new Event('controlling'));
  };

  const ready: Promise<ServiceWorkerRegistration | undefined> = (async () => {
    if (!('serviceWorker' in navigator)) return undefined;
    try {
      // Under Trusted Types, register() refuses a plain string (workbox-window passes ours through).
      wb = new Workbox(trustedScriptURL(swScriptUrl(opts.url, opts.config)), opts.scope === undefined ? undefined : { scope: opts.scope });
      wb.addEventListener('waiting', onWaiting);
      wb.addEventListener('controlling', onControlling);
      // workbox-window waits for `load` itself: registering earlier competes with the page's own loads.
      reg = await wb.register();
      if (!reg) return undefined;
      return await whenActivated(reg);
    } catch (e) {
      opts.onError?.(e);
      return undefined;
    }
  })();

  const send = async (msg: SwRequest): Promise<SwReply | undefined> => {
    const r = await ready;
    return ask<SwReply>(r?.active, msg, timeoutMs);
  };

  return {
    ready,
    get updateAvailable() {
      return updateAvailable;
    },
    async stats() {
      const reply = await send({ type: 'pagepace:stats' });
      return reply?.ok ? reply.stats : undefined;
    },
    async invalidate(pattern) {
      const re = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
      const reply = await send({ type: 'pagepace:invalidate', pattern: re.source, flags: re.flags });
      return (reply?.ok && reply.removed) || 0;
    },
    async clear(tier) {
      await send({ type: 'pagepace:clear', tier });
    },
    async update() {
      if (!(await ready)) return;
      await wb?.update().catch((e: unknown) => opts.onError?.(e));
    },
    async activateUpdate() {
      const r = await ready;
      const waiting = r?.waiting;
      if (!waiting) return false;
      const controlled = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 10_000);
        navigator.serviceWorker.addEventListener('controllerchange', () => {
          clearTimeout(timer);
          resolve(true);
        }, { once: true });
      });
      // The same message workbox-window's messageSkipWaiting() sends, to this exact waiting worker.
      waiting.postMessage({ type: 'SKIP_WAITING' } satisfies SwRequest);
      return controlled;
    },
    addEventListener: (type, listener) => target.addEventListener(type, listener),
    removeEventListener: (type, listener) => target.removeEventListener(type, listener),
    destroy() {
      destroyed = true;
      wb?.removeEventListener('waiting', onWaiting);
      wb?.removeEventListener('controlling', onControlling);
    },
  };
}

/** A registration with its tier counters polled, as `createPagePace({ serviceWorker })` runs it. */
export interface PolledServiceWorker {
  /** The registration. */
  handle: SwHandle;
  /** The latest tier counters the worker answered with. */
  latest(): SwCounters | undefined;
  /** Stops polling and removes the listeners (the worker stays registered). */
  destroy(): void;
}

/**
 * Registers the worker and reads its tier counters once it is ready and every 10 s after, so that
 * `stats().sw` and the hide-time stats event have them without a round trip at hide.
 */
export function startServiceWorker(o: Pick<RegisterOptions, 'url' | 'scope' | 'config'>, guard: { report(feature: string, err: unknown): void }): PolledServiceWorker {
  const onError = (e: unknown) => guard.report('serviceWorker', e);
  const handle = registerServiceWorker({ url: o.url, ...(o.scope ? { scope: o.scope } : {}), ...(o.config ? { config: o.config } : {}), onError });
  let latest: SwCounters | undefined;
  const poll = () => void handle.stats().then((st) => void (st && (latest = swCounters(st))), onError);
  void handle.ready.then(poll);
  const timer = setInterval(poll, 10_000);
  return {
    handle,
    latest: () => latest,
    destroy() {
      clearInterval(timer);
      handle.destroy();
    },
  };
}
