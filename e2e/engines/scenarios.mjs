// The scenarios, the same for every engine. Each drives its pages through the thin driver
// (navigate, click, scroll, title) and judges what the pages and the collector report. A check is
// { feature, ok, value }: ok false fails the suite; `finding: true` marks what an engine does
// differently from what the table expects without failing it (printed, and in the support table).
import { BINARY_CONTENT_TYPE } from '../../dist/protocol.js';

/** Vitals each engine is expected to report (a missing one fails; an extra one is a finding). */
export const VITALS = {
  chromium: ['CLS', 'FCP', 'INP', 'LCP', 'TTFB'],
  firefox: ['FCP', 'INP', 'LCP', 'TTFB'],
  webkit: ['FCP', 'TTFB'],
};
/**
 * The prefetch mechanisms each engine may end up with. Firefox ESR 153 prefetches the `<link>`;
 * ESR 140 ignores prefetch links added after the load event, so pagepace moves to `fetch` there.
 */
export const PREFETCH = { chromium: ['speculationrules'], firefox: ['link', 'fetch'], webkit: ['fetch'] };
/** Under `script-src 'self'`: Speculation Rules are refused, so Chromium falls back to <link>. */
export const PREFETCH_CSP = { chromium: ['link'], firefox: ['link', 'fetch'], webkit: ['fetch'] };

/**
 * Known failures, each with what was found: shown as ⚠️ with the note (never silently passed).
 * Remove an entry when its bug is fixed; the suite then holds the fix.
 */
export const KNOWN = {
  chromium: {
    // Measured in Chromium 150 and 156: fetch() reads the header as null, in pages and workers alike.
    'service worker: Clear-Site-Data at logout (page without Vary), next user offline': 'Chromium keeps Clear-Site-Data from the worker: name the logout URL in config.clearOn (README)',
  },
  firefox: {},
  webkit: {},
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The first value a page reported for `key` (scenario.key), waiting up to `ms`. */
async function result(s, key, ms = 10_000) {
  const t0 = Date.now();
  while (!s.results.has(key)) {
    if (Date.now() - t0 > ms) throw new Error(`no result ${key} within ${ms} ms`);
    await sleep(50);
  }
  return s.results.get(key)[0];
}

/** Waits until `fn()` is true (or `ms` passed); returns its last value. */
async function until(fn, ms = 10_000) {
  const t0 = Date.now();
  let v;
  while (!(v = fn()) && Date.now() - t0 < ms) await sleep(100);
  return v;
}

const count = (s, name) => s.events().filter((e) => e.name === name).length;

/** pagepace's prefetch tally must equal the prefetch requests the server saw, and at least one must go. */
function prefetchCheck(feature, st, went, value, mechanismOk = true) {
  return { feature, ok: mechanismOk && !!st && st.page === went && went >= 1, value };
}

export const SCENARIOS = [
  {
    name: 'vitals',
    async run(d, s, engine) {
      await d.goto(`${s.url}/e/vitals.html`);
      await result(s, 'vitals.ready');
      await d.click('#btn');
      await result(s, 'vitals.clicked');
      await sleep(300);
      await d.goto(`${s.url}/e/blank.html`); // hide: LCP, CLS and INP are final
      // INP needs Event Timing's interactionId: Firefox ESR 140 gives the click no interactionId (153 does).
      const raw = await result(s, 'vitals.raw', 3000).catch(() => null);
      const noInteractions = !!raw && !raw.interactions;
      const want = VITALS[engine].filter((v) => !(v === 'INP' && noInteractions));
      const got = () => [...new Set(s.events().filter((e) => e.kind === 'vital').map((e) => e.name))].sort();
      await until(() => want.every((v) => got().includes(v)), 10_000);
      await sleep(500);
      const vitals = got();
      await result(s, 'vitals.stats', 3000).catch(() => null);
      const stats = (s.results.get('vitals.stats') ?? []).findLast((x) => x?.unload) ?? s.results.get('vitals.stats')?.[0];
      const kinds = [...new Set(s.events().map((e) => `${e.kind}:${e.name}`))];
      const checks = ['CLS', 'FCP', 'INP', 'LCP', 'TTFB'].map((v) => {
        const ok = vitals.includes(v);
        const expected = VITALS[engine].includes(v);
        if (expected && !ok && v === 'INP' && noInteractions) return { feature: `vital ${v}`, ok: true, value: ok, finding: true, note: 'this engine gave the click no interactionId: no INP to report' };
        return { feature: `vital ${v}`, ok: expected ? ok : true, value: ok, ...(!expected && ok ? { finding: true, note: 'arrived where the table expects none' } : {}) };
      });
      checks.push({ feature: 'long animation frames (LoAF)', ok: true, value: kinds.some((k) => /long|loaf/i.test(k)) });
      checks.push({ feature: 'memory (measureUserAgentSpecificMemory)', ok: true, value: kinds.some((k) => /memory/i.test(k)) });
      // stats().unload as the page's own hide listeners saw it ('not yet' when pagepace sends after them); fetchLater only in Chromium.
      checks.push({ feature: 'hide-time request', ok: engine === 'chromium' || stats?.unload !== 'fetchLater', value: stats?.unload ?? 'not yet set at the page\'s hide listeners' });
      checks.push({ feature: 'default encoder', ok: stats?.encoder === 'main-thread', value: stats?.encoder ?? 'none' });
      return checks;
    },
  },
  {
    // Start-up loads web-vitals after load, in idle time: a page left before then reports what
    // the performance timeline holds, read at the hide (src/vitals/timeline.ts), each vital once.
    name: 'vitals of a page left before web-vitals came',
    async run(d, s, engine) {
      s.state.holdVitals = true;
      await d.goto(`${s.url}/e/early.html`);
      await result(s, 'early.ready');
      await d.goto(`${s.url}/e/blank.html`);
      const want = VITALS[engine].filter((v) => v !== 'INP');
      const vitals = () => s.events().filter((e) => e.kind === 'vital');
      await until(() => want.every((v) => vitals().some((e) => e.name === v)), 10_000);
      await sleep(500);
      s.state.holdVitals = false;
      return ['CLS', 'FCP', 'LCP', 'TTFB'].map((v) => {
        const got = vitals().filter((e) => e.name === v);
        const expected = want.includes(v);
        return {
          feature: `left early: ${v} from the timeline`,
          ok: expected ? got.length === 1 && /^pp-/.test(got[0].id) : got.length <= 1,
          value: got.length ? `${got.length}× ${got.map((e) => Math.round(e.value * 1000) / 1000).join(', ')}` : 'none',
          ...(!expected && got.length ? { finding: true, note: 'arrived where the table expects none' } : {}),
        };
      });
    },
  },
  {
    name: 'lazy loading',
    async run(d, s) {
      await d.goto(`${s.url}/e/lazy.html`);
      const hero = await result(s, 'lazy.hero');
      await result(s, 'lazy.ready');
      const farEarly = s.requests.some((r) => r.path.startsWith('/img/lazy-far'));
      // Scroll to just above the far image: it must load on approach, before it is in view.
      const farTop = 300 + 5000;
      await d.scroll(farTop - hero.inner - 60);
      const far = await result(s, 'lazy.far', 8000).catch(() => null);
      return [
        { feature: 'lazy: first viewport loads without scrolling', ok: hero.top < hero.inner, value: true },
        { feature: 'lazy: far image waits, then loads on approach', ok: !farEarly && !!far && far.top > far.inner, value: far ? `loaded ${far.top - far.inner} px below the fold` : 'never loaded' },
      ];
    },
  },
  {
    name: 'prefetch',
    async run(d, s, engine) {
      await d.goto(`${s.url}/e/prefetch.html`);
      const st = await result(s, 'prefetch.stats', 12_000);
      const went = s.requests.filter((r) => /prefetch/.test(r.purpose ?? '')).length;
      await d.click('#next');
      const arrived = await result(s, 'next.arrived');
      const after = s.requests.filter((r) => r.path === '/e/next.html').length;
      const before = s.requests.filter((r) => r.path === '/e/next.html' && /prefetch/.test(r.purpose ?? '')).length;
      return [
        { feature: 'prefetch mechanism', ok: PREFETCH[engine].includes(st?.mechanism), value: st?.mechanism ?? 'none' },
        prefetchCheck('prefetch counted = requests that went', st, went, `${st?.page} counted, ${went} request(s)`),
        { feature: 'prefetched page reused by the navigation', ok: true, value: before && after === before ? `yes${arrived.deliveryType ? ` (${arrived.deliveryType})` : ''}` : 'no (fetched again)' },
      ];
    },
  },
  {
    // Speculation Rules prerender (Chromium): pagepace sends nothing before the user opens the page.
    name: 'prerender',
    async run(d, s) {
      await d.goto(`${s.url}/e/prerender.html`);
      const ran = await result(s, 'prerendered.ran', 4000).catch(() => null); // before the click only if prerendered
      await sleep(1500); // what a user's hesitation gives a prerendered page: time to send, if it would
      const page = (b) => String(b.batch.page).includes('/e/prerendered.html');
      const before = s.batches.filter(page).length;
      await d.click('#go');
      const { activationStart } = await result(s, 'prerendered.arrived');
      await d.click('#work');
      await d.goto(`${s.url}/e/blank.html`);
      await until(() => count(s, 'pr.early') > 0, 10_000);
      await sleep(500);
      const mine = s.batches.filter(page).flatMap((b) => b.batch.events);
      const early = mine.filter((e) => e.name === 'pr.early');
      const types = [...new Set(mine.filter((e) => e.kind === 'vital' || e.kind === 'navigation').map((e) => e.attrs?.navigationType))];
      const prerendered = !!ran?.prerendering && activationStart > 0;
      return [
        { feature: 'prerender: nothing sent before activation', ok: before === 0, value: prerendered ? `${before} batches in 1.5 s while prerendered` : 'not prerendered by this engine' },
        {
          feature: 'prerender: after activation, events once and vitals marked',
          ok: early.length === 1 && (!prerendered || (early[0].value === 1 && types.length === 1 && types[0] === 'prerender')),
          value: `${early.length}× the early event; navigationType ${types.join(', ') || 'none'}`,
        },
      ];
    },
  },
  {
    // A metric past 32 values: exact percentiles at once, then the bucketed sketch's chunk.
    name: 'summary past 32 values',
    async run(d, s) {
      await d.goto(`${s.url}/e/summary.html`);
      const r = await result(s, 'summary.done', 12_000);
      const values = Array.from({ length: 200 }, (_, i) => (i * 37) % 211);
      const at = (list, q) => [...list].sort((a, b) => a - b)[Math.ceil(q * list.length) - 1];
      const within = (got, want) => Math.abs(got - want) <= want * 0.005 + 1e-9;
      const fetched = s.requests.filter((q) => q.path.startsWith('/dist/pagepace.buckets.js')).length;
      const twice = [...values, ...values];
      return [
        { feature: 'summary: exact at once past 32 values', ok: r.first.count === 200 && r.first.p50 === at(values, 0.5) && r.first.p99 === at(values, 0.99), value: `p50 ${r.first.p50}, p99 ${r.first.p99} of ${r.first.count}` },
        {
          feature: 'summary: bucketed sketch fetched once, then within 0.5 %',
          ok: fetched === 1 && r.errors === 0 && r.later.count === 400 && within(r.later.p50, at(twice, 0.5)) && within(r.later.p99, at(twice, 0.99)),
          value: `${fetched} fetch, ${r.errors} errors, p50 ${r.later.p50}, p99 ${r.later.p99} of ${r.later.count}`,
        },
      ];
    },
  },
  {
    name: 'worker encoder and main-thread fallback',
    async run(d, s) {
      await d.goto(`${s.url}/e/worker.html`);
      const w = await result(s, 'worker.worker');
      await d.goto(`${s.url}/e/worker.html?main`);
      const m = await result(s, 'worker.main');
      await until(() => count(s, 'enc.worker') >= 30 && count(s, 'enc.main') >= 30, 5000);
      return [
        { feature: 'worker encoder (worker: true)', ok: w.encoder === 'worker' && count(s, 'enc.worker') === 30, value: `${w.encoder} (binary ${w.binary} B, json ${w.json} B)` },
        { feature: 'main-thread fallback without Worker', ok: m.encoder === 'main-thread' && count(s, 'enc.main') === 30, value: `${m.encoder} (binary ${m.binary} B, json ${m.json} B)` },
      ];
    },
  },
  {
    name: 'strict CSP',
    async run(d, s, engine) {
      await d.goto(`${s.url}/e/csp.html`);
      const r = await result(s, 'csp.done', 15_000);
      await until(() => count(s, 'csp.tag') === 10 && count(s, 'csp.worker') === 10, 5000);
      const went = s.requests.filter((q) => /prefetch/.test(q.purpose ?? '')).length;
      const violations = (s.results.get('csp.violation') ?? []).filter((v) => !/^script-src-elem inline/.test(v)); // the refused Speculation Rules (csp.html has no inline script of its own)
      return [
        (() => {
          const ok = count(s, 'csp.tag') === 10 && count(s, 'csp.worker') === 10 && r.encoder === 'worker' && !violations.length;
          // A failure says enough to be told apart: which events came, what the worker instance sent, its errors.
          const why = `${r.encoder}; arrived tag ${count(s, 'csp.tag')}, worker ${count(s, 'csp.worker')}; worker instance sent ${r.sent}, errors ${r.errors}`;
          return { feature: "strict CSP (script-src 'self'): events, worker encoder", ok, value: violations.length ? violations.join('; ') : ok ? r.encoder : why };
        })(),
        prefetchCheck('prefetch under strict CSP', r.prefetch, went, `${r.prefetch?.mechanism}: ${r.prefetch?.page} counted, ${went} request(s)`, PREFETCH_CSP[engine].includes(r.prefetch?.mechanism)),
      ];
    },
  },
  {
    // A page that enforces Trusted Types and allows pagepace's policy: the worker's URL and the
    // Speculation Rules text go through it. An engine without Trusted Types runs the page as a plain strict CSP.
    name: 'Trusted Types',
    async run(d, s, engine) {
      await d.goto(`${s.url}/e/tt.html`);
      const r = await result(s, 'tt.done', 15_000);
      await until(() => count(s, 'tt.tag') === 10 && count(s, 'tt.worker') === 10, 5000);
      const went = s.requests.filter((q) => /prefetch/.test(q.purpose ?? '')).length;
      const violations = s.results.get('tt.violation') ?? [];
      const tt = r.trustedTypes ? 'enforced' : 'not in this engine';
      return [
        {
          feature: "Trusted Types (require-trusted-types-for 'script'; trusted-types pagepace): events, worker encoder",
          ok: count(s, 'tt.tag') === 10 && count(s, 'tt.worker') === 10 && r.encoder === 'worker' && !violations.length,
          value: violations.length ? violations.join('; ') : `${tt}; ${r.encoder}; arrived tag ${count(s, 'tt.tag')}, worker ${count(s, 'tt.worker')}`,
        },
        prefetchCheck('prefetch under Trusted Types', r.prefetch, went, `${tt}; ${r.prefetch?.mechanism}: ${r.prefetch?.page} counted, ${went} request(s)`, PREFETCH[engine].includes(r.prefetch?.mechanism)),
      ];
    },
  },
  {
    // An Angular-like host (zone.js and an app zone): the tasks pagepace schedules, for an instance
    // started in the zone and for track() calls from the app's click handler, stay out of the app's zone.
    name: 'zone.js host',
    async run(d, s) {
      await d.goto(`${s.url}/e/zone.html`);
      await result(s, 'zone.ready', 10_000);
      await d.click('#work');
      const r = await result(s, 'zone.done', 10_000);
      await until(() => count(s, 'zone.click') === 5 && count(s, 'zone.tag') === 1, 5000);
      return [{
        feature: "zone.js host: no task of pagepace's in the app's zone",
        ok: r.appTasks.length === 0 && count(s, 'zone.click') === 5 && count(s, 'zone.tag') === 1 && r.lazy === 1,
        value: `${r.appTasks.length} tasks in the app zone${r.appTasks.length ? ` (${[...new Set(r.appTasks)].join(', ')})` : ''}; events ${count(s, 'zone.click')}+${count(s, 'zone.tag')} of 5+1; lazy ${r.lazy}`,
      }];
    },
  },
  {
    // The script tag from another origin without a crossorigin attribute (a CDN), and inside a
    // sandboxed iframe (an opaque origin): import() in such a script resolves against about:blank,
    // so relative chunk URLs failed and every lazy part with them (the fix: absolute chunk URLs).
    name: 'script tag from another origin',
    async run(d, s) {
      const checks = [];
      for (const [page, scenario, what] of [['cdn.html', 'cdn', 'script tag from a CDN origin'], ['sandbox.html', 'sandboxed', 'script tag in a sandboxed iframe']]) {
        const before = s.requests.length;
        await d.goto(`${s.url}/e/${page}`);
        const r = await result(s, `${scenario}.done`, 15_000);
        await d.goto(`${s.url}/e/blank.html`); // the hide
        const vitals = () => s.batches.filter(({ batch }) => batch.page?.includes(scenario)).flatMap(({ batch }) => batch.events).filter((e) => e.kind === 'vital' && e.name === 'FCP');
        await until(() => count(s, `${scenario}.t`) > 0 && vitals().length > 0, 10_000);
        await sleep(500);
        const fcp = vitals()[0];
        const chunks = s.requests.slice(before).filter((q) => /\/dist\/pagepace\.[\w-]+\.js/.test(q.path) && !/iife/.test(q.path));
        const fromCdn = chunks.filter((q) => q.cdn).length;
        const ok = r.started && r.lazy === 1 && count(s, `${scenario}.t`) === 1 && (r.paint ? !!fcp && !/^pp-/.test(fcp.id) : !fcp) && (scenario !== 'cdn' || (fromCdn > 0 && fromCdn === chunks.length));
        checks.push({
          feature: what,
          ok,
          value: r.started
            ? `lazy ${r.lazy}, event arrived ${count(s, `${scenario}.t`)}×, FCP ${fcp ? (/^pp-/.test(fcp.id) ? 'from the timeline (no web-vitals)' : 'from web-vitals') : r.paint ? 'none' : 'none (no paint timing here)'}, ${chunks.length} chunks${scenario === 'cdn' ? ` (${fromCdn} from the CDN)` : ''}, outbox ${r.outbox}`
            : 'not started',
        });
      }
      return checks;
    },
  },
  {
    // The collector on another origin: a batch sent at the hide, with and without an earlier live send.
    name: 'collector on another origin',
    async run(d, s) {
      const checks = [];
      for (const [q, name, what] of [['', 'xo.hide', 'hide-time batch, first request of the page'], ['?warm', 'xo.hide.warm', 'hide-time batch after a live one']]) {
        await d.goto(`${s.url}/e/xo.html${q}`);
        await result(s, `xo.done`, 15_000);
        s.results.delete('xo.done');
        await d.goto(`${s.url}/e/blank.html`);
        await until(() => count(s, name) > 0, 5000);
        const methods = s.requests.filter((r) => r.path === '/collect').map((r) => r.method).join(' ');
        checks.push({ feature: `collector on another origin: ${what}`, ok: count(s, name) === 1, value: `arrived ${count(s, name)}×; ${methods}` });
      }
      return checks;
    },
  },
  {
    // Left and restored from the back/forward cache: pagepace must not keep the page out of it
    // (the same page without pagepace is the control: whether this engine, so driven, restores at
    // all), and the restore is a new page view whose events and vitals go at the next hide.
    name: 'back/forward cache',
    async run(d, s) {
      const restored = {};
      for (const sc of ['bfc', 'bf']) {
        await d.goto(`${s.url}/e/${sc}.html`);
        await result(s, `${sc}.ready`, 15_000);
        await d.goto(`${s.url}/e/blank.html`);
        await sleep(300);
        await d.back();
        restored[sc] = await result(s, `${sc}.restored`, 5000).then(() => true, () => false);
        await sleep(300);
        // The restored view's hide, by its link: puppeteer's Firefox driver never sees the load of the
        // first goto() after a restore (the page loads; the call times out).
        await d.click('#away');
        await sleep(500);
      }
      await until(() => count(s, 'bf.before') && count(s, 'bf.after'), 10_000);
      await sleep(500);
      const vitals = s.events().filter((e) => e.kind === 'vital' && e.attrs?.navigationType === 'back-forward-cache').map((e) => e.name);
      const control = restored.bfc ? 'the control page restored' : 'the control page was not restored either';
      return [
        {
          feature: 'back/forward cache: pagepace keeps no page out of it',
          ok: restored.bf || !restored.bfc,
          value: `${restored.bf ? 'restored' : 'not restored'}; ${control}`,
          ...(!restored.bfc ? { finding: true, note: 'this engine, so driven, restored no page' } : {}),
        },
        {
          feature: 'back/forward cache: the restored view reported once',
          ok: count(s, 'bf.before') === 1 && (restored.bf ? count(s, 'bf.after') === 1 && vitals.includes('FCP') : true),
          value: `before ${count(s, 'bf.before')}×, after the restore ${count(s, 'bf.after')}×; restored vitals: ${[...new Set(vitals)].sort().join(', ') || 'none'}`,
        },
      ];
    },
  },
  {
    // routes: { auto: true } in a single-page app: each event carries the route it was tracked in,
    // through pushState, back, a router's wrapper over pushState, and replaceState.
    name: 'single-page app routes',
    async run(d, s) {
      await d.goto(`${s.url}/e/spa.html`);
      const r = await result(s, 'spa.done', 15_000);
      const want = { 'spa.home': '/e/spa.html', 'spa.cart': '/e/spa/cart', 'spa.back': '/e/spa.html', 'spa.product': '/e/spa/product/42', 'spa.checkout': '/e/spa/checkout' };
      await until(() => Object.keys(want).every((n) => count(s, n) === 1), 5000);
      const got = Object.keys(want).map((n) => s.events().find((e) => e.name === n)?.attrs?.route ?? 'missing');
      const routes = s.events().filter((e) => e.kind === 'route').map((e) => e.attrs.route);
      return [{
        feature: 'single-page app: every event credited to its route (routes.auto)',
        ok: got.every((g, i) => g === Object.values(want)[i]) && routes.length === 4,
        value: `${got.join(' → ')}; ${routes.length} route views; ${r.navigationApi ? 'Navigation API' : 'History API wrapped'}`,
      }];
    },
  },
  {
    // A host page whose Object.prototype carries enumerable extras named like pagepace's options
    // (endpoint, format, sampleRate): pagepace starts from its own attributes, reads none of them.
    name: 'polluted prototypes',
    async run(d, s) {
      await d.goto(`${s.url}/e/polluted.html`);
      const r = await result(s, 'polluted.done', 12_000);
      await until(() => count(s, 'polluted.t') > 0, 5000);
      const ev = s.events().find((e) => e.name === 'polluted.t');
      const elsewhere = s.requests.filter((q) => q.path.startsWith('/elsewhere')).length;
      return [{
        feature: 'host page with polluted Object.prototype',
        ok: r.started && r.errors === 0 && count(s, 'polluted.t') === 1 && elsewhere === 0 && ev?.attrs?.where === 'polluted page' && !['polluted', 'extend', 'each', 'endpoint'].some((k) => Object.hasOwn(ev.attrs, k)),
        value: `${r.started ? 'started' : 'not started'}, ${r.errors} errors, event arrived ${count(s, 'polluted.t')}×, ${elsewhere} requests to the polluted endpoint`,
      }];
    },
  },
  {
    // Late: in WebKit a refused batch left in the outbox stalls later pages' sends (see KNOWN).
    name: 'exactly once (navigation, 503, outbox replay)',
    async run(d, s) {
      // The collector refuses everything while page a and page b (reached by a click) track one event each.
      s.state.refuse = 1e9;
      await d.goto(`${s.url}/e/track.html?n=a`);
      const a = await result(s, 'track.tracked.a');
      await d.click('#next');
      await result(s, 'track.tracked.b');
      await d.goto(`${s.url}/e/blank.html`);
      await sleep(500);
      const refused = s.requests.filter((r) => r.path === '/collect').length;
      const before = count(s, 'once.a') + count(s, 'once.b');
      // The collector is back: the next load replays the IndexedDB outbox.
      s.state.refuse = 0;
      await d.goto(`${s.url}/e/track.html?n=c`);
      await until(() => ['once.a', 'once.b', 'once.c'].every((n) => count(s, n) > 0), 20_000);
      await d.goto(`${s.url}/e/blank.html`);
      await sleep(1500); // time for a duplicate to show up
      const counts = ['once.a', 'once.b', 'once.c'].map((n) => count(s, n));
      return [
        { feature: 'outbox', ok: a.outbox === 'indexeddb', value: a.outbox ?? 'none' },
        { feature: 'exactly once across a navigation and a 503 collector', ok: refused > 0 && before === 0 && counts.every((c) => c === 1), value: `a,b,c arrived ${counts.join(',')} times after ${refused} refused requests` },
      ];
    },
  },
  {
    // Last: the worker then controls the whole origin.
    name: 'service worker',
    async run(d, s) {
      await d.goto(`${s.url}/e/sw.html`);
      const first = await result(s, 'sw.state', 15_000);
      if (!first.supported) return [{ feature: 'service worker', ok: false, value: 'no navigator.serviceWorker' }];
      s.results.delete('sw.state');
      await d.goto(`${s.url}/e/sw.html?again`);
      const again = await result(s, 'sw.state', 15_000);
      s.results.delete('sw.state');
      await d.goto(`${s.url}/e/sw.html`);
      const third = await result(s, 'sw.state', 15_000);
      // Offline: every request fails at the network; the navigation must come from the worker's copy.
      s.state.offline = true;
      let offline;
      try {
        await d.goto(`${s.url}/e/sw.html`);
        offline = (await d.title()) === 'sw scenario' ? 'served from the worker' : `title ${JSON.stringify(await d.title())}`;
      } catch (err) {
        offline = `navigation failed: ${String(err.message).split('\n')[0]}`;
      } finally {
        s.state.offline = false;
      }
      return [
        { feature: 'service worker: control after reload', ok: again.controlled, value: again.controlled },
        { feature: 'service worker: tier hits', ok: third.tierHits > 0, value: third.sw ? `L1 ${third.sw.l1Hits}, L2 ${third.sw.l2Hits}` : 'none' },
        { feature: 'service worker: offline navigation', ok: offline === 'served from the worker', value: offline },
      ];
    },
  },
  {
    // After "service worker", which leaves the worker (default config) controlling the origin: on a
    // cookie-login site, Alice's pages never reach Bob, online or offline. /u/account sends
    // Vary: Cookie (never stored, so offline no account at all is shown); /u/home forgets it (stored), and the logout sends
    // Clear-Site-Data: "cache", which empties the worker's tiers where the engine lets it see the header.
    name: 'service worker privacy',
    async run(d, s) {
      const visit = async (path) => (await d.goto(`${s.url}${path}`), d.title());
      // The worker-served page the last scenario left open lives 2 s first, as a page does: one left
      // at once sends its batch as JSON, before the codec has come (stats().jsonFallbacks, documented).
      await sleep(2000);
      await visit('/u/login?user=alice');
      const alice = [await visit('/u/account'), await visit('/u/home')];
      await visit('/u/home'); // again: the worker's copy is surely stored before the logout
      await visit('/u/logout');
      await visit('/u/login?user=bob');
      const bob = await visit('/u/account'); // not /u/home: Bob's copy would replace Alice's
      s.state.offline = true;
      const offline = {};
      try {
        for (const p of ['/u/account', '/u/home']) offline[p] = await visit(p).catch((err) => `navigation failed: ${String(err.message).split('\n')[0].slice(0, 60)}`);
      } finally {
        s.state.offline = false;
      }
      const online = alice.join(', ') === 'account of alice, home of alice' && bob === 'account of bob';
      // What the worker counted: Vary refusals, and whether it saw the logout's Clear-Site-Data itself.
      s.results.delete('sw.state');
      await d.goto(`${s.url}/e/sw.html`);
      const sw = (await result(s, 'sw.state', 15_000)).sw ?? {};
      return [
        { feature: 'service worker: Vary: Cookie page, next user online and offline', ok: online && !/account of/.test(offline['/u/account']), value: `online ${bob}; offline ${offline['/u/account']}; ${sw.refusedVary} refused for Vary` },
        { feature: 'service worker: Clear-Site-Data at logout (page without Vary), next user offline', ok: online && !/alice/.test(offline['/u/home']), value: `offline ${offline['/u/home']}; the worker ${sw.siteCleared ? 'saw Clear-Site-Data and emptied its tiers' : 'never saw Clear-Site-Data'}` },
      ];
    },
  },
];

/** Checks that hold over the whole run: every batch binary (the default format), no page error. */
export function overall(all) {
  const other = all.batches.filter((b) => b.meta.contentType !== BINARY_CONTENT_TYPE);
  const where = [...new Set(other.map((b) => `${b.meta.contentType} in ${b.scenario}`))];
  return [
    { feature: 'every request binary (default format)', ok: all.batches.length > 0 && !other.length, value: other.length ? `${other.length} of ${all.batches.length} not binary: ${where.join('; ')}` : `${all.batches.length} batches, all binary` },
    { feature: 'no uncaught error or unhandled rejection', ok: all.errors.length === 0, value: all.errors.length ? all.errors.join('; ') : 'none' },
  ];
}
