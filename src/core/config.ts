import { fail } from './errors';
import type { LazyStartOptions } from '../loading/lazy';
import type { SwWorkerConfig } from '../sw-client/types';
import type { PrefetchStartOptions } from '../loading/prefetch';
import type { Breach } from '../vitals/budgets';
import type { Batch, PerfEvent } from './types';
import { PARTS } from '../vitals/parts';
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
  /**
   * Why a vital is slow: web-vitals' attribution build (a chunk of its own, loaded lazily) puts LCP's
   * and INP's parts, the LCP element and URL, the INP target and longest script, and CLS's largest
   * shift target in `attrs` (`attribution.*`), and `summary()` gets an entry per part. Default true.
   */
  attribution?: boolean;
  /** Report every change of a metric, not only its final value. */
  reportAllChanges?: boolean;
  /**
   * web-vitals' soft-navigation support where the browser has it (Chromium): each soft navigation gets
   * its own LCP, INP, CLS…, carrying `navigationURL` and `navigationId`. Elsewhere nothing changes. Default true.
   */
  softNavs?: boolean;
  /**
   * Navigation timing phases (`navigation` events: `nav.dns`, `nav.connect`, …), and once per page view
   * a `context` event (effectiveType, saveData, deviceMemory, hardwareConcurrency, viewport, serverTiming.*). Default true.
   */
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
  /**
   * Wire format: `binary` (default, docs/protocol.md), `json`, or `otlp` (OTLP/HTTP JSON: web vitals
   * as `browser.web_vital` log records to `/v1/logs`, other events as metrics to `/v1/metrics`; point
   * `endpoint` at either, or at the receiver's base URL).
   */
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
  /**
   * Encode live binary batches in a Web Worker. Default false: a batch of up to 50 events encodes
   * on the main thread, in idle time, in about the time its structured clone to a worker takes, and
   * the hide-time batch must be encoded synchronously anyway. Worth it for `batch.maxEvents` in the hundreds.
   */
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
  vitals: false | (Required<Omit<VitalsOptions, 'memory'>> & { memory: false | (Required<Pick<MemoryOptions, 'intervalMs'>> & Pick<MemoryOptions, 'leak'>) });
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

/** Checks the value at `path` and returns it, or its default; `undefined` leaves the key out. */
type Check = (v: unknown, path: string) => unknown;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `undefined` gives `dflt`; any other value must pass `ok`. */
const is = (ok: (v: unknown) => unknown, allowed: string, dflt?: unknown): Check => (v, p) =>
  v === undefined ? dflt : ok(v) ? v : fail(p, v, allowed);

const bool = (dflt?: boolean) => is((v) => typeof v === 'boolean', 'true or false', dflt);

// Finite bounds also turn away NaN and ±Infinity.
const num = (min: number, max: number, int?: 1 | 0, dflt?: number) =>
  is((v) => typeof v === 'number' && v >= min && v <= max && (!int || v % 1 === 0), `${int ? 'an integer' : 'a number'} from ${min} to ${max}`, dflt);

const isText = (v: unknown) => typeof v === 'string' && v.trim();
const str = (allowed: string) => is(isText, allowed);

const fn = is((v) => typeof v === 'function', 'a function');

/** A boolean whose default is the module's own. */
const flag = bool();

const at = (path: string, k: string) => (path ? `${path}.${k}` : k);

/**
 * An object of known keys, each with its check; the result leaves out what is undefined, so a
 * module's own defaults apply to what the user did not set. A `feature` also takes true or false.
 * Keys in `first` are checked before the rest: which of several mistakes is reported does not
 * depend on the order of the keys in messages.
 */
function shape(checks: Record<string, Check>, feature?: 1 | 0, first: string[] = []): Check {
  const keys = Object.keys(checks);
  const list = keys.join(', ');
  return (v = {}, p) => {
    if (!isObj(v)) fail(p, v, feature ? `true, false or an object with ${list}` : 'an object');
    // Own keys only: a host page's enumerable Object.prototype extras (old libraries, a
    // prototype-pollution bug) are neither unknown keys nor options, such as an `endpoint`.
    for (const k of Object.keys(v)) if (!keys.includes(k)) fail(at(p, k), v[k], `one of the known keys of ${p || 'the config'} (${list}); check the spelling`);
    // No prototype either: a part reads an option it was not given as `o.x ?? default`.
    const out = Object.create(null) as Obj;
    for (const k of new Set([...first, ...keys])) {
      const x = checks[k]!(Object.hasOwn(v, k) ? v[k] : undefined, at(p, k));
      if (x !== undefined) out[k] = x;
    }
    return out;
  };
}

/** `boolean | {…}` switches: true is the object's defaults; undefined is on, or off when `off`. */
function feature(checks: Record<string, Check>, off?: 1 | 0, first?: string[]): Check {
  const read = shape(checks, 1, first);
  return (v, p) => (v === false || (off && v === undefined) ? false : read(v === true ? {} : v, p));
}

/**
 * name → value maps (lazy components, budgets), every value checked. The names are the user's
 * (`__proto__`, `constructor`): the result has no prototype, so a lookup finds only what was set.
 */
const map = (check: Check, allowed: string, key?: (k: string, path: string) => string): Check => (v, p) => {
  if (!isObj(v)) fail(p, v, allowed);
  const out = Object.create(null) as Obj;
  for (const [k, x] of Object.entries(v)) out[k] = check(x, `${p}.${key ? key(k, p) : k}`);
  return out;
};

const FORMATS = ['binary', 'json', 'otlp'];
const components = map(fn, 'an object mapping component names to loaders, e.g. { chart: () => import("./chart.js") }');
// A budget on a vital's part names one web-vitals has (vitals/parts.ts): `LCP.ttfb` would never fire.
const budgets = map(num(0, Number.MAX_VALUE, 0, 0), 'an object mapping metric names to limits, e.g. { LCP: 2500, "INP.inputDelay": 100 }', (k, p) =>
  /^(LCP|INP)\./.test(k) && !PARTS.includes(k) ? fail(`${p}.${k}`, k, `a part: ${PARTS.join(', ')}`) : k);
// Off unless asked: a periodic timer, and measureUserAgentSpecificMemory is not free.
// `leak`: the leak signal's thresholds (vitals/leak.ts); no more than the 30 samples the source keeps.
const leak = shape({ minSamples: num(2, 30, 1), minTrend: num(0, 1), minGrowth: num(0, Number.MAX_VALUE), minRelative: num(0, Number.MAX_VALUE) });
const memory = feature({ intervalMs: num(1000, 3_600_000, 1, 30_000), leak: (v, p) => (v === undefined ? v : leak(v, p)) }, 1);
const serviceWorker = shape({
  url: (v, p) => (isText(v) ? v : fail(p, v, 'the URL of pagepace-sw.js, e.g. "/pagepace-sw.js"')),
  scope: str('a scope path such as "/"'),
  // The worker checks its config field by field and reports what it drops in stats().problems.
  config: is(isObj, 'an object of routes, TTLs and budgets (see sw/README.md)'),
}, 0, ['config']);

/** `lazy`'s checks, also run by the standalone `pagepace/lazy` entry. */
export const checkLazy: Check = feature({
  rootMargin: str('a CSS margin such as "200px"'),
  threshold: num(0, 1),
  fadeMs: num(0, 10_000, 1),
  rememberLcp: flag,
  // The user's own object: lazy loading looks components up in it.
  components: (v, p) => (v === undefined || components(v, p), v),
  onLoad: fn,
  onError: fn,
});

/** `prefetch`'s checks, also run by the standalone `pagepace/prefetch` entry. */
export const checkPrefetch: Check = feature({
  hoverDelayMs: num(0, 5000, 1),
  ignore: is((v) => Array.isArray(v) && v.every((r) => r instanceof RegExp), 'an array of RegExp'),
  origins: is(
    (v) => Array.isArray(v) && v.every((x) => typeof x === 'string' && /^https?:\/\/[^/]+$/.test(x)),
    'an array of origins such as ["https://cdn.example.com"]',
  ),
  viewport: flag,
  intent: flag,
  predict: flag,
  predictThreshold: num(0, 1),
  predictTop: num(1, 10, 1),
  prerender: flag,
  concurrency: num(1, 16, 1),
  maxPrefetches: num(0, 1000, 1),
  maxBytes: num(0, 1e9),
  preconnect: flag,
}, 0, ['ignore', 'origins']);

const config = shape({
  endpoint: str('a non-empty URL string such as "/collect"'),
  format: is((v) => FORMATS.includes(v as string), FORMATS.map((f) => `"${f}"`).join(' or '), 'binary'),
  transport: fn,
  sampleRate: num(0, 1, 0, 1),
  debug: bool(false),
  vitals: feature({
    attribution: bool(true),
    reportAllChanges: bool(false),
    softNavs: bool(true),
    navigation: bool(true),
    resources: bool(true),
    longFrames: bool(true),
    memory: (v, p) => memory(v ?? false, p),
    overhead: bool(true),
  }),
  lazy: checkLazy,
  prefetch: checkPrefetch,
  serviceWorker: (v, p) => (v === undefined || v === false ? false : serviceWorker(v, p)),
  worker: feature({ url: str('the URL of pagepace.worker.js') }, 1),
  batch: shape({
    maxEvents: num(1, 1000, 1, 50),
    maxBytes: num(1024, 60_000, 1, 16_384),
    maxDelayMs: num(0, 600_000, 1, 5_000),
  }),
  budgets: (v = {}, p) => budgets(v, p),
  onMetric: fn,
  onBudgetExceeded: fn,
  beforeSend: fn,
  privacy: shape({ stripQuery: bool(true) }),
  routes: feature({ auto: bool(false), name: fn }, 1),
}, 0, ['format', 'endpoint', 'transport', 'sampleRate', 'debug', 'vitals', 'routes']);

/**
 * Validates a config and fills in defaults.
 * @throws PagePaceError naming the key path, the value received and what is allowed.
 */
export function resolveConfig(input: PagePaceConfig | undefined): ResolvedConfig {
  return config(input ?? {}, '') as ResolvedConfig;
}
