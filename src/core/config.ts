import { fail } from './errors';
import type { LazyStartOptions } from '../loading/lazy';
import type { SwWorkerConfig } from '../sw-client/types';
import type { PrefetchStartOptions } from '../loading/prefetch';
import type { Breach } from '../vitals/budgets';
import type { Batch, PerfEvent } from './types';
import type { MemoryOptions } from '../vitals/memory';
import type { RouteOptions } from '../vitals/routes';

/** Wire format of the beacons. */
export type Format = 'binary' | 'json' | 'otlp';

/** What a custom `transport` receives: the batch and, for the built-in formats, its encoded body. */
export interface TransportRequest {
  batch: Batch;
  /** True when the page is being hidden or unloaded: nothing asynchronous may be awaited. */
  unloading: boolean;
}

/** Sends a batch to any backend. Resolve when delivered; reject or resolve `false` to report a failure. */
export type TransportFn = (req: TransportRequest) => void | boolean | Promise<void | boolean>;

/** Options of the web-vitals source. */
export interface VitalsOptions {
  /** Use web-vitals' attribution build (loaded lazily, as a separate chunk) and put its fields in `attrs`. */
  attribution?: boolean;
  /** Report every change of a metric, not only its final value. */
  reportAllChanges?: boolean;
  /** Use web-vitals' soft-navigation support where the browser has it (per-route LCP, INP, CLS…). Default false. */
  softNavs?: boolean;
  /** Navigation timing phases (`navigation` events: `nav.dns`, `nav.connect`, …). Default true. */
  navigation?: boolean;
  /** Resource summary at page hide (`resources` and the slowest few as `resource` events). Default true. */
  resources?: boolean;
  /** Long animation frames with script attribution (`loaf`), or long tasks where LoAF is absent. Default true. */
  longFrames?: boolean;
  /** Memory samples and a leak signal (`memory`, `memory.leak`). Default false. */
  memory?: boolean | MemoryOptions;
  /** pagepace's own main-thread time and bytes sent (`overhead` events at page hide). Default true. */
  overhead?: boolean;
}

/** Options of lazy loading: see `LazyStartOptions` in `pagepace/lazy`. */
export type LazyOptions = LazyStartOptions;

/** Options of prefetching: see `PrefetchStartOptions` in `pagepace/prefetch`. */
export type PrefetchOptions = PrefetchStartOptions;

/** Where the service worker lives, and how it caches. */
export interface ServiceWorkerOptions {
  /** URL of `pagepace-sw.js`, served from the site's root. */
  url: string;
  /** Registration scope. */
  scope?: string;
  /** Routes, TTLs, byte budgets, precache list and offline page (see `pagepace/sw-client` and sw/README.md). */
  config?: SwWorkerConfig;
}

/** Where the encoding worker lives. */
export interface WorkerOptions {
  /** URL of `pagepace.worker.js`; default: next to the script that loaded pagepace. */
  url: string;
}

/** When a batch is sent. */
export interface BatchOptions {
  /** Send when this many events are queued. 1–1000, default 50. */
  maxEvents?: number;
  /** Send when the queued body reaches this many bytes. 1,024–60,000, default 16,384 (keepalive allows 64 KB in flight). */
  maxBytes?: number;
  /** Send this long after the first queued event at the latest. 0–600,000 ms, default 5,000. */
  maxDelayMs?: number;
}

/** What a breached budget reports: the metric, value, budget, event, attribution and route. */
export type BudgetBreach = Breach;

/** Privacy options. */
export interface PrivacyOptions {
  /** Remove query strings and fragments from every URL sent. Default true. */
  stripQuery?: boolean;
}

/** Everything `createPagePace` accepts. Every key is optional. */
export interface PagePaceConfig {
  /** Where beacons go (absolute or relative URL). Without it and without `transport`, nothing is sent. */
  endpoint?: string;
  /** Wire format: `binary` (default, docs/protocol.md), `json`, or `otlp` (OTLP/HTTP JSON metrics; point `endpoint` at `/v1/metrics`). */
  format?: Format;
  /** A custom function that sends batches to any other backend; used instead of `endpoint`. */
  transport?: TransportFn;
  /** Share of sessions that send beacons, 0 to 1, decided once per session. Default 1. */
  sampleRate?: number;
  /** Log pagepace's own failures to the console (once per feature). */
  debug?: boolean;
  /** Core Web Vitals via web-vitals. Default true. */
  vitals?: boolean | VitalsOptions;
  /** Lazy loading. Default true. */
  lazy?: boolean | LazyOptions;
  /** Prefetching. Default true. */
  prefetch?: boolean | PrefetchOptions;
  /** The caching service worker; `false` (default) registers none. */
  serviceWorker?: false | ServiceWorkerOptions;
  /** Encode in a Web Worker. Default true. */
  worker?: boolean | WorkerOptions;
  /** Batching thresholds. */
  batch?: BatchOptions;
  /** Route views: `true` tracks them from the page's own route; `{ auto: true }` follows the History API; `pace.route(name)` always works. Default false. */
  routes?: boolean | RouteOptions;
  /** Metric name → limit; a value above it calls `onBudgetExceeded` once per route view. */
  budgets?: Record<string, number>;
  /** Called with every event recorded, after privacy stripping. */
  onMetric?: (event: PerfEvent) => void;
  /** Called once per metric when its budget is breached. */
  onBudgetExceeded?: (breach: BudgetBreach) => void;
  /** Edit an event before it is queued, or return `null`/`false` to drop it. */
  beforeSend?: (event: PerfEvent) => PerfEvent | null | false | undefined | void;
  /** Privacy options. */
  privacy?: PrivacyOptions;
}

/** The config after validation and defaults. */
export interface ResolvedConfig {
  endpoint: string | undefined;
  format: Format;
  transport: TransportFn | undefined;
  sampleRate: number;
  debug: boolean;
  vitals: false | (Required<Omit<VitalsOptions, 'memory'>> & { memory: false | Required<Pick<MemoryOptions, 'intervalMs'>> });
  routes: false | RouteOptions;
  lazy: false | LazyOptions;
  prefetch: false | PrefetchOptions;
  serviceWorker: false | ServiceWorkerOptions;
  worker: false | Partial<WorkerOptions>;
  batch: Required<BatchOptions>;
  budgets: Record<string, number>;
  onMetric: PagePaceConfig['onMetric'];
  onBudgetExceeded: PagePaceConfig['onBudgetExceeded'];
  beforeSend: PagePaceConfig['beforeSend'];
  privacy: Required<PrivacyOptions>;
}

const FORMATS: readonly Format[] = ['binary', 'json', 'otlp'];

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function object(path: string, v: unknown, keys: readonly string[]): Obj {
  if (!isObj(v)) fail(path, v, 'an object');
  for (const k in v) {
    if (!keys.includes(k)) fail(path ? `${path}.${k}` : k, v[k], `one of the known keys of ${path || 'the config'} (${keys.join(', ')}); check the spelling`);
  }
  return v;
}

function bool<D extends boolean | undefined>(path: string, v: unknown, dflt: D): boolean | D {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail(path, v, 'true or false');
  return v;
}

function num<D extends number | undefined>(path: string, v: unknown, min: number, max: number, dflt: D, int = false): number | D {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
    fail(path, v, `${int ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return v;
}

function str(path: string, v: unknown, what = 'a non-empty string'): string {
  if (typeof v !== 'string' || !v.trim()) fail(path, v, what);
  return v;
}

function fn<T>(path: string, v: unknown): T | undefined {
  if (v !== undefined && typeof v !== 'function') fail(path, v, 'a function');
  return v as T | undefined;
}

/** Drops keys left undefined, so a module's own defaults apply to what the user did not set. */
function given<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** `boolean | {…}` feature switches: undefined → default on with no options. */
function feature<T extends Obj>(path: string, v: unknown, keys: readonly string[], read: (o: Obj) => T): false | T {
  if (v === undefined || v === true) return read({});
  if (v === false) return false;
  if (!isObj(v)) fail(path, v, `true, false or an object with ${keys.join(', ')}`);
  return read(object(path, v, keys));
}

const KEYS = [
  'endpoint', 'format', 'transport', 'sampleRate', 'debug', 'vitals', 'lazy', 'prefetch', 'serviceWorker',
  'worker', 'batch', 'budgets', 'onMetric', 'onBudgetExceeded', 'beforeSend', 'privacy', 'routes',
] as const;

/**
 * Validates a config and fills in defaults.
 * @throws PagePaceError naming the key path, the value received and what is allowed.
 */
export function resolveConfig(input: PagePaceConfig | undefined): ResolvedConfig {
  const c = object('', input ?? {}, KEYS);
  const format = c.format === undefined ? 'binary' : (c.format as Format);
  if (!FORMATS.includes(format)) fail('format', c.format, FORMATS.map((f) => `"${f}"`).join(' or '));
  return {
    endpoint: c.endpoint === undefined ? undefined : str('endpoint', c.endpoint, 'a non-empty URL string such as "/collect"'),
    format,
    transport: fn<TransportFn>('transport', c.transport),
    sampleRate: num('sampleRate', c.sampleRate, 0, 1, 1),
    debug: bool('debug', c.debug, false),
    vitals: feature('vitals', c.vitals, ['attribution', 'reportAllChanges', 'softNavs', 'navigation', 'resources', 'longFrames', 'memory', 'overhead'], (o) => ({
      attribution: bool('vitals.attribution', o.attribution, false),
      reportAllChanges: bool('vitals.reportAllChanges', o.reportAllChanges, false),
      softNavs: bool('vitals.softNavs', o.softNavs, false),
      navigation: bool('vitals.navigation', o.navigation, true),
      resources: bool('vitals.resources', o.resources, true),
      longFrames: bool('vitals.longFrames', o.longFrames, true),
      // Off unless asked: a periodic timer, and measureUserAgentSpecificMemory is not free.
      memory: feature('vitals.memory', o.memory ?? false, ['intervalMs'], (m) => ({
        intervalMs: num('vitals.memory.intervalMs', m.intervalMs, 1000, 3_600_000, 30_000, true),
      })),
      overhead: bool('vitals.overhead', o.overhead, true),
    })),
    routes: c.routes === undefined || c.routes === false ? false : feature('routes', c.routes, ['auto', 'name'], (o) => ({
      auto: bool('routes.auto', o.auto, false),
      ...(o.name === undefined ? {} : { name: fn<(url: URL) => string>('routes.name', o.name)! }),
    })),
    lazy: feature('lazy', c.lazy, ['rootMargin', 'threshold', 'fadeMs', 'rememberLcp', 'components', 'onLoad', 'onError'], (o) => given({
      rootMargin: o.rootMargin === undefined ? undefined : str('lazy.rootMargin', o.rootMargin, 'a CSS margin such as "200px"'),
      threshold: num('lazy.threshold', o.threshold, 0, 1, undefined),
      fadeMs: num('lazy.fadeMs', o.fadeMs, 0, 10_000, undefined, true),
      rememberLcp: bool('lazy.rememberLcp', o.rememberLcp, undefined),
      components: o.components === undefined ? undefined : (() => {
        if (!isObj(o.components)) fail('lazy.components', o.components, 'an object mapping component names to loaders, e.g. { chart: () => import("./chart.js") }');
        for (const [k, v] of Object.entries(o.components)) fn(`lazy.components.${k}`, v);
        return o.components as LazyStartOptions['components'];
      })(),
      onLoad: fn<LazyStartOptions['onLoad']>('lazy.onLoad', o.onLoad),
      onError: fn<LazyStartOptions['onError']>('lazy.onError', o.onError),
    })),
    prefetch: feature('prefetch', c.prefetch, ['hoverDelayMs', 'ignore', 'origins', 'viewport', 'intent', 'predict', 'predictThreshold', 'predictTop', 'prerender', 'concurrency', 'maxPrefetches', 'maxBytes', 'preconnect'], (o) => {
      if (o.ignore !== undefined && (!Array.isArray(o.ignore) || !o.ignore.every((r) => r instanceof RegExp))) fail('prefetch.ignore', o.ignore, 'an array of RegExp');
      if (o.origins !== undefined && (!Array.isArray(o.origins) || !o.origins.every((x) => typeof x === 'string' && /^https?:\/\/[^/]+$/.test(x)))) {
        fail('prefetch.origins', o.origins, 'an array of origins such as ["https://cdn.example.com"]');
      }
      return given({
        hoverDelayMs: num('prefetch.hoverDelayMs', o.hoverDelayMs, 0, 5000, undefined, true),
        ignore: o.ignore as RegExp[] | undefined,
        origins: o.origins as string[] | undefined,
        viewport: bool('prefetch.viewport', o.viewport, undefined),
        intent: bool('prefetch.intent', o.intent, undefined),
        predict: bool('prefetch.predict', o.predict, undefined),
        predictThreshold: num('prefetch.predictThreshold', o.predictThreshold, 0, 1, undefined),
        predictTop: num('prefetch.predictTop', o.predictTop, 1, 10, undefined, true),
        prerender: bool('prefetch.prerender', o.prerender, undefined),
        concurrency: num('prefetch.concurrency', o.concurrency, 1, 16, undefined, true),
        maxPrefetches: num('prefetch.maxPrefetches', o.maxPrefetches, 0, 1000, undefined, true),
        maxBytes: num('prefetch.maxBytes', o.maxBytes, 0, 1e9, undefined),
        preconnect: bool('prefetch.preconnect', o.preconnect, undefined),
      });
    }),
    serviceWorker: c.serviceWorker === undefined || c.serviceWorker === false ? false : (() => {
      const o = object('serviceWorker', c.serviceWorker, ['url', 'scope', 'config']);
      if (o.config !== undefined && !isObj(o.config)) fail('serviceWorker.config', o.config, 'an object of routes, TTLs and budgets (see sw/README.md)');
      return {
        url: str('serviceWorker.url', o.url, 'the URL of pagepace-sw.js, e.g. "/pagepace-sw.js"'),
        ...(o.scope === undefined ? {} : { scope: str('serviceWorker.scope', o.scope, 'a scope path such as "/"') }),
        // The worker checks its config field by field and reports what it drops in stats().problems.
        ...(o.config === undefined ? {} : { config: o.config as SwWorkerConfig }),
      };
    })(),
    worker: feature('worker', c.worker, ['url'], (o) => (o.url === undefined ? {} : { url: str('worker.url', o.url, 'the URL of pagepace.worker.js') })),
    batch: (() => {
      const o = c.batch === undefined ? {} : object('batch', c.batch, ['maxEvents', 'maxBytes', 'maxDelayMs']);
      return {
        maxEvents: num('batch.maxEvents', o.maxEvents, 1, 1000, 50, true),
        maxBytes: num('batch.maxBytes', o.maxBytes, 1024, 60_000, 16_384, true),
        maxDelayMs: num('batch.maxDelayMs', o.maxDelayMs, 0, 600_000, 5_000, true),
      };
    })(),
    budgets: (() => {
      const budgets: Record<string, number> = {};
      if (c.budgets === undefined) return budgets;
      if (!isObj(c.budgets)) fail('budgets', c.budgets, 'an object mapping metric names to limits, e.g. { LCP: 2500 }');
      for (const [k, v] of Object.entries(c.budgets)) budgets[k] = num(`budgets.${k}`, v, 0, Number.MAX_VALUE, 0);
      return budgets;
    })(),
    onMetric: fn('onMetric', c.onMetric),
    onBudgetExceeded: fn('onBudgetExceeded', c.onBudgetExceeded),
    beforeSend: fn('beforeSend', c.beforeSend),
    privacy: { stripQuery: bool('privacy.stripQuery', (c.privacy === undefined ? {} : object('privacy', c.privacy, ['stripQuery'])).stripQuery, true) },
  };
}
