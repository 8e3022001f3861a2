import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config';
import type { PagePaceConfig } from './config';
import { PagePaceError } from './errors';

/** Asserts that the config is refused with a PagePaceError naming the field, the value and what is allowed. */
function refuses(config: unknown, field: string, received: string, allowed: RegExp) {
  let err: unknown;
  try {
    resolveConfig(config as PagePaceConfig);
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${JSON.stringify(config)} to be refused`).toBeInstanceOf(PagePaceError);
  const e = err as PagePaceError;
  expect(e.name).toBe('PagePaceError');
  expect(e.field).toBe(field);
  expect(e.message).toContain(`pagepace: ${field} must be`);
  expect(e.message).toContain(`received ${received}`);
  expect(e.message).toMatch(allowed);
}

describe('createPagePace config', () => {
  it('fills in defaults for an empty config', () => {
    const c = resolveConfig(undefined);
    expect(c.format).toBe('binary');
    expect(c.sampleRate).toBe(1);
    expect(c.batch).toEqual({ maxEvents: 50, maxBytes: 16_384, maxDelayMs: 5_000 });
    expect(c.vitals).toEqual({
      attribution: true, reportAllChanges: false, softNavs: true, navigation: true, resources: true, longFrames: true, memory: false, overhead: true,
    });
    expect(c.routes).toBe(false);
    expect(c.privacy.stripQuery).toBe(true);
    expect(c.serviceWorker).toBe(false);
    expect(c.lazy).toEqual({}); // lazy loading's own defaults apply (rootMargin 200px, threshold 0)
    expect(c.prefetch).toEqual({});
  });

  it('accepts every documented key', () => {
    const c = resolveConfig({
      endpoint: '/collect', format: 'json', transport: () => true, sampleRate: 0.5, debug: true,
      vitals: { attribution: true, reportAllChanges: true, softNavs: true, navigation: false, resources: false, longFrames: false, memory: { intervalMs: 5000 }, overhead: false },
      routes: { auto: true, name: (u) => u.pathname }, lazy: { rootMargin: '100px', threshold: 0.5 },
      prefetch: { hoverDelayMs: 100, ignore: [/admin/], origins: ['https://cdn.example.com'], predictTop: 3 }, serviceWorker: { url: '/sw.js', scope: '/' },
      worker: { url: '/w.js' }, batch: { maxEvents: 10, maxBytes: 2048, maxDelayMs: 0 }, budgets: { LCP: 2500 },
      onMetric: () => {}, onBudgetExceeded: () => {}, beforeSend: (e) => e, privacy: { stripQuery: false },
    });
    expect(c.vitals).toEqual({
      attribution: true, reportAllChanges: true, softNavs: true, navigation: false, resources: false, longFrames: false, memory: { intervalMs: 5000 }, overhead: false,
    });
    expect(c.routes).toEqual({ auto: true, name: expect.any(Function) });
    expect(resolveConfig({ vitals: { memory: true } }).vitals).toMatchObject({ memory: { intervalMs: 30_000 } });
    // MemoryOptions' `leak` (the leak signal's thresholds) is accepted as its type says, and passed on as given.
    const leak = { minSamples: 4, minTrend: 0.5, minGrowth: 0, minRelative: 0.05 };
    expect(resolveConfig({ vitals: { memory: { leak } } }).vitals).toMatchObject({ memory: { intervalMs: 30_000, leak } });
    expect(resolveConfig({ vitals: { memory: { leak: {} } } }).vitals).toMatchObject({ memory: { intervalMs: 30_000, leak: {} } });
    expect(resolveConfig({ routes: true }).routes).toEqual({ auto: false });
    expect(c.serviceWorker).toEqual({ url: '/sw.js', scope: '/' });
    expect(c.budgets).toEqual({ LCP: 2500 });
    expect(c.privacy.stripQuery).toBe(false);
  });

  it('takes budgets on vitals\' parts, and names of Object.prototype\'s as own keys only (issue 15 #8)', () => {
    const parts = { 'LCP.timeToFirstByte': 800, 'LCP.elementRenderDelay': 500, 'INP.inputDelay': 100, 'INP.presentationDelay': 50, 'cart.items': 3, 'constructor.x': 1 };
    expect({ ...resolveConfig({ budgets: parts }).budgets }).toEqual(parts);
    const b = resolveConfig({ budgets: JSON.parse('{"__proto__": 5, "toString": 7}') }).budgets;
    expect(Object.keys(b)).toEqual(['__proto__', 'toString']);
    expect([b.__proto__, b.toString, b.constructor, b.valueOf]).toEqual([5, 7, undefined, undefined]);
  });

  it('reads own keys only: a host page\'s enumerable Object.prototype extras are neither unknown keys nor options', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const extras = { endpoint: 'https://attacker.invalid/c', format: 'json', sampleRate: 0, polluted: 'x', rootMargin: '9999px' };
    Object.assign(proto, extras);
    try {
      const c = resolveConfig({ endpoint: '/c', lazy: {} });
      expect([c.endpoint, c.format, c.sampleRate]).toEqual(['/c', 'binary', 1]);
      // A part reads options it was not given as `o.x ?? default`: nothing inherited answers.
      expect((c.lazy as Record<string, unknown>).rootMargin).toBeUndefined();
      expect(resolveConfig(undefined).endpoint).toBeUndefined();
    } finally {
      for (const k of Object.keys(extras)) delete proto[k];
    }
  });

  it('turns features off with false', () => {
    const c = resolveConfig({ vitals: false, lazy: false, prefetch: false, worker: false, serviceWorker: false });
    expect([c.vitals, c.lazy, c.prefetch, c.worker, c.serviceWorker]).toEqual([false, false, false, false, false]);
  });

  it('refuses a config that is not an object', () => {
    refuses('fast', '', '"fast"', /an object/);
    refuses([1], '', 'an array', /an object/);
  });

  it('refuses unknown keys, naming the path and the known keys', () => {
    refuses({ endpiont: '/c' }, 'endpiont', '"/c"', /known keys of the config \(endpoint, format/);
    refuses({ batch: { maxEvent: 3 } }, 'batch.maxEvent', '3', /maxEvents, maxBytes, maxDelayMs/);
    refuses({ vitals: { attributions: true } }, 'vitals.attributions', 'true', /attribution, reportAllChanges/);
    refuses({ privacy: { strip: true } }, 'privacy.strip', 'true', /stripQuery/);
    refuses({ serviceWorker: { url: '/sw.js', scopes: '/' } }, 'serviceWorker.scopes', '"/"', /url, scope/);
  });

  it.each([
    [{ endpoint: '' }, 'endpoint', '""', /non-empty URL string/],
    [{ endpoint: 42 }, 'endpoint', '42', /non-empty URL string/],
    [{ format: 'xml' }, 'format', '"xml"', /"binary" or "json" or "otlp"/],
    [{ transport: 'fetch' }, 'transport', '"fetch"', /a function/],
    [{ sampleRate: 1.5 }, 'sampleRate', '1.5', /a number from 0 to 1/],
    [{ sampleRate: -0.1 }, 'sampleRate', '-0.1', /a number from 0 to 1/],
    [{ sampleRate: Number.NaN }, 'sampleRate', 'NaN', /a number from 0 to 1/],
    [{ sampleRate: '0.5' }, 'sampleRate', '"0.5"', /a number from 0 to 1/],
    [{ debug: 'yes' }, 'debug', '"yes"', /true or false/],
    [{ vitals: 'on' }, 'vitals', '"on"', /true, false or an object/],
    [{ vitals: { attribution: 1 } }, 'vitals.attribution', '1', /true or false/],
    [{ vitals: { reportAllChanges: 'y' } }, 'vitals.reportAllChanges', '"y"', /true or false/],
    [{ vitals: { softNavs: 1 } }, 'vitals.softNavs', '1', /true or false/],
    [{ vitals: { longFrames: 'no' } }, 'vitals.longFrames', '"no"', /true or false/],
    [{ vitals: { memory: 'yes' } }, 'vitals.memory', '"yes"', /true, false or an object with intervalMs/],
    [{ vitals: { memory: { intervalMs: 10 } } }, 'vitals.memory.intervalMs', '10', /an integer from 1000 to 3600000/],
    [{ vitals: { memory: { every: 10 } } }, 'vitals.memory.every', '10', /intervalMs, leak/],
    [{ vitals: { memory: { leak: 6 } } }, 'vitals.memory.leak', '6', /an object/],
    [{ vitals: { memory: { leak: { minSamples: 31 } } } }, 'vitals.memory.leak.minSamples', '31', /an integer from 2 to 30/],
    [{ vitals: { memory: { leak: { minTrend: 2 } } } }, 'vitals.memory.leak.minTrend', '2', /a number from 0 to 1/],
    [{ vitals: { memory: { leak: { minGrowth: -1 } } } }, 'vitals.memory.leak.minGrowth', '-1', /a number from 0/],
    [{ vitals: { memory: { leak: { minRelative: Number.NaN } } } }, 'vitals.memory.leak.minRelative', 'NaN', /a number from 0/],
    [{ vitals: { memory: { leak: { samples: 6 } } } }, 'vitals.memory.leak.samples', '6', /minSamples, minTrend, minGrowth, minRelative/],
    [{ routes: 'auto' }, 'routes', '"auto"', /true, false or an object with auto, name/],
    [{ routes: { auto: 1 } }, 'routes.auto', '1', /true or false/],
    [{ routes: { name: '/x' } }, 'routes.name', '"/x"', /a function/],
    [{ lazy: { rootMargin: '' } }, 'lazy.rootMargin', '""', /CSS margin/],
    [{ lazy: { threshold: 2 } }, 'lazy.threshold', '2', /from 0 to 1/],
    [{ prefetch: { hoverDelayMs: 1.5 } }, 'prefetch.hoverDelayMs', '1.5', /an integer from 0 to 5000/],
    [{ prefetch: { ignore: ['logout'] } }, 'prefetch.ignore', 'an array', /RegExp/],
    [{ prefetch: { origins: ['cdn.example.com'] } }, 'prefetch.origins', 'an array', /origins such as/],
    [{ prefetch: { predictThreshold: 1.5 } }, 'prefetch.predictThreshold', '1.5', /from 0 to 1/],
    [{ prefetch: { predictTop: 0 } }, 'prefetch.predictTop', '0', /an integer from 1 to 10/],
    [{ prefetch: { concurrency: 99 } }, 'prefetch.concurrency', '99', /an integer from 1 to 16/],
    [{ prefetch: { maxPrefetches: -1 } }, 'prefetch.maxPrefetches', '-1', /an integer from 0 to 1000/],
    [{ prefetch: { prerender: 'yes' } }, 'prefetch.prerender', '"yes"', /true or false/],
    [{ lazy: { fadeMs: 0.5 } }, 'lazy.fadeMs', '0.5', /an integer from 0 to 10000/],
    [{ lazy: { components: { chart: 'chart.js' } } }, 'lazy.components.chart', '"chart.js"', /a function/],
    [{ lazy: { onLoad: 1 } }, 'lazy.onLoad', '1', /a function/],
    [{ serviceWorker: true }, 'serviceWorker', 'true', /an object/],
    [{ serviceWorker: {} }, 'serviceWorker.url', 'undefined', /pagepace-sw\.js/],
    [{ serviceWorker: { url: '/sw.js', scope: 3 } }, 'serviceWorker.scope', '3', /scope path/],
    [{ worker: { url: '' } }, 'worker.url', '""', /pagepace\.worker\.js/],
    [{ batch: 10 }, 'batch', '10', /an object/],
    [{ batch: { maxEvents: 0 } }, 'batch.maxEvents', '0', /an integer from 1 to 1000/],
    [{ batch: { maxEvents: 2.5 } }, 'batch.maxEvents', '2.5', /an integer from 1 to 1000/],
    [{ batch: { maxBytes: 100_000 } }, 'batch.maxBytes', '100000', /an integer from 1024 to 60000/],
    [{ batch: { maxDelayMs: -1 } }, 'batch.maxDelayMs', '-1', /an integer from 0 to 600000/],
    [{ budgets: [] }, 'budgets', 'an array', /metric names to limits/],
    [{ budgets: { LCP: '2s' } }, 'budgets.LCP', '"2s"', /a number from 0/],
    [{ budgets: { CLS: -1 } }, 'budgets.CLS', '-1', /a number from 0/],
    [{ budgets: { 'LCP.ttfb': 100 } }, 'budgets.LCP.ttfb', '"LCP.ttfb"', /LCP.timeToFirstByte, LCP.resourceLoadDelay, LCP.resourceLoadDuration, LCP.elementRenderDelay, INP.inputDelay/],
    [{ budgets: { 'INP.delay': 100 } }, 'budgets.INP.delay', '"INP.delay"', /INP.inputDelay, INP.processingDuration, INP.presentationDelay/],
    [{ onMetric: 1 }, 'onMetric', '1', /a function/],
    [{ onBudgetExceeded: {} }, 'onBudgetExceeded', 'an object', /a function/],
    [{ beforeSend: true }, 'beforeSend', 'true', /a function/],
    [{ privacy: { stripQuery: 'no' } }, 'privacy.stripQuery', '"no"', /true or false/],
    [{ privacy: false }, 'privacy', 'false', /an object/],
  ])('refuses %j', (config, field, received, allowed) => refuses(config, field, received, allowed));
});
