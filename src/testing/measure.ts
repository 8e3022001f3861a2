import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from '@playwright/test';
import { applyProfile, resolveProfile } from './profiles';
import type { ProfileInput } from './profiles';
import type { Results, RunResult } from './types';

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Runs, each in a fresh browser context (no cache, no storage). Default 5. */
  runs?: number;
  /** Throttling: a profile name (`fast-3g`, `slow-4g`, `cpu-4x`, `mobile`, …), several names, or `{ network, cpu }`. */
  profile?: ProfileInput;
  /** What a user does on the page; default: one key press (a trusted input, so LCP is final and INP has an interaction). */
  interact?: (page: Page) => Promise<void>;
  /** Options for each fresh context (viewport, locale, …). */
  context?: BrowserContextOptions;
  /** Resolves relative URLs. */
  baseURL?: string;
}

const require = createRequire(import.meta.url);
let probe: string | undefined;
/** web-vitals' IIFE build plus a collector, injected before the page's own scripts. */
function probeScript(): string {
  probe ??= `${readFileSync(join(dirname(require.resolve('web-vitals')), 'web-vitals.iife.js'), 'utf8')}
;(() => {
  const m = (window.__pagepaceMeasure = { vitals: {}, longTasks: [] });
  // Init scripts run inside a function: the IIFE's top-level var webVitals is local to it, not a global.
  const wv = typeof webVitals !== 'undefined' ? webVitals : window.webVitals;
  if (wv) for (const f of ['onLCP', 'onFCP', 'onTTFB', 'onCLS', 'onINP']) wv[f]((x) => { m.vitals[x.name] = x.value; }, { reportAllChanges: true });
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) m.longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true }); } catch {}
})();`;
  return probe;
}

/** Runs in the page: hides it (so CLS and INP are final) and reads every figure. */
function collect(): { metrics: Record<string, number>; pagepace?: Record<string, unknown> } {
  const w = window as unknown as { __pagepaceMeasure?: { vitals: Record<string, number>; longTasks: [number, number][] }; PagePace?: { instance?: { stats(): Record<string, unknown> } } };
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
  const m = w.__pagepaceMeasure ?? { vitals: {}, longTasks: [] };
  const metrics: Record<string, number> = { ...m.vitals };
  const fcp = m.vitals.FCP ?? 0;
  metrics.longTasks = m.longTasks.length;
  metrics.longTaskMs = m.longTasks.reduce((s, [, d]) => s + d, 0);
  // Total blocking time: the part of each long task past 50 ms, from first contentful paint on.
  metrics.TBT = m.longTasks.filter(([start]) => start >= fcp).reduce((s, [, d]) => s + Math.max(0, d - 50), 0);
  const nav = performance.getEntriesByType('navigation')[0];
  if (nav) {
    Object.assign(metrics, {
      'nav.redirect': nav.redirectEnd - nav.redirectStart,
      'nav.dns': nav.domainLookupEnd - nav.domainLookupStart,
      'nav.connect': nav.connectEnd - nav.connectStart,
      'nav.tls': nav.secureConnectionStart > 0 ? nav.connectEnd - nav.secureConnectionStart : 0,
      'nav.request': nav.responseStart - nav.requestStart,
      'nav.response': nav.responseEnd - nav.responseStart,
      'nav.dom': nav.domContentLoadedEventEnd - nav.responseEnd,
      'nav.load': nav.loadEventEnd,
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the DOM's getEntriesByType is not generic; the rule misreads it
  const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  metrics.requests = resources.length + 1;
  metrics.transferBytes = resources.reduce((s, r) => s + r.transferSize, nav?.transferSize ?? 0);
  const stats = w.PagePace?.instance?.stats();
  return stats ? { metrics, pagepace: JSON.parse(JSON.stringify(stats)) as Record<string, unknown> } : { metrics };
}

const isPage = (t: unknown): t is Page => typeof (t as Page).goto === 'function';
const isContext = (t: unknown): t is BrowserContext => typeof (t as BrowserContext).newPage === 'function' && typeof (t as Browser).newContext !== 'function';

/**
 * Loads `url` `runs` times, each in a fresh context with the profile applied, lets `interact`
 * act as the user, hides the page so CLS and INP are final, and returns every figure as plain
 * data: Core Web Vitals, navigation phases, bytes, long tasks and total blocking time, and
 * pagepace's own stats when the page runs pagepace from its script tag.
 * @example const results = await measure(browser, 'http://127.0.0.1:4173/', { runs: 10, profile: 'mobile' });
 */
export async function measure(target: Browser | BrowserContext | Page, url: string, opts: MeasureOptions = {}): Promise<Results> {
  const browser = isPage(target) ? target.context().browser() : isContext(target) ? target.browser() : target;
  if (!browser) throw new Error('pagepace/playwright: measure needs a browser that can open fresh contexts (not a persistent context)');
  const runs = opts.runs ?? 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`pagepace/playwright: runs must be a positive integer; received ${String(runs)}`);
  const { name } = resolveProfile(opts.profile);
  const href = new URL(url, opts.baseURL ?? (isPage(target) && target.url().startsWith('http') ? target.url() : undefined)).href;
  const out: RunResult[] = [];
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext(opts.context);
    try {
      await context.addInitScript({ content: probeScript() });
      const page = await context.newPage();
      await applyProfile(page, opts.profile);
      await page.goto(href, { waitUntil: 'load' });
      await (opts.interact ?? ((p: Page) => p.keyboard.press('Shift')))(page);
      // Let the interaction's frame be presented, so its event timing (INP) exists.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
      out.push({ run, ...(await page.evaluate(collect)) });
    } finally {
      await context.close();
    }
  }
  return { url: href, profile: name, at: new Date().toISOString(), runs: out };
}
