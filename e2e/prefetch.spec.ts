import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/loading/test';
import type { LoadingServer } from './fixtures/loading/test';

/** Paths of /site/ pages the server received as prefetches (Sec-Purpose: prefetch). */
const prefetched = (ls: LoadingServer) => ls.requests.filter((r) => r.path.startsWith('/site/') && /prefetch/.test(r.purpose ?? '')).map((r) => r.path).sort();
const anySite = (ls: LoadingServer) => ls.requests.filter((r) => r.path.startsWith('/site/')).map((r) => r.path);
const opts = (page: Page, o: object) => page.addInitScript((o) => ((window as any).PP_OPTS = o), o);
/** Resolves after the page has been idle twice: the prefetcher's idle-time work has run. */
const idle = (page: Page) => page.evaluate(() => new Promise((r) => requestIdleCallback(() => requestIdleCallback(r))));
/** Logs every Speculation Rules script added (`+prefetch /site/a`) or removed (`-prefetch /site/a`) in `window.ruleLog`. */
const logRules = (page: Page) => page.addInitScript(() => {
  const log: string[] = ((window as any).ruleLog = []);
  new MutationObserver((records) => {
    for (const r of records) {
      for (const [sign, nodes] of [['+', r.addedNodes], ['-', r.removedNodes]] as const) {
        for (const n of nodes) {
          if (!(n instanceof HTMLScriptElement) || n.type != 'speculationrules') continue;
          const rules = JSON.parse(n.textContent);
          for (const action in rules) log.push(`${sign}${action} ${new URL(rules[action][0].urls[0]).pathname}`);
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
});
const ruleLog = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).ruleLog);
/** The prefetch ledger's list of this page's prefetches: [url, bytes, trigger]. */
const ledgerList = (page: Page): Promise<Array<[string, number, string]>> => page.evaluate(() => JSON.parse(sessionStorage.getItem('pagepace:prefetch')!).u);

test('in-view links are prefetched by Speculation Rules; ignored, opted-out, other-origin and far links never are', async ({ page, ls }) => {
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await expect.poll(() => prefetched(ls), { timeout: 5000 }).toEqual(['/site/a', '/site/b']);
  // A rule counts once it has stayed in the page for the fetch's time without a CSP violation.
  await expect.poll(() => page.evaluate(() => (window as any).pf.stats())).toMatchObject({ mechanism: 'speculationrules', prefetched: 2, page: 2, allowed: true });
  await expect(page.locator('script[type=speculationrules]')).toHaveCount(2);
  await idle(page);
  await page.waitForTimeout(300);
  expect(anySite(ls).sort()).toEqual(['/site/a', '/site/b']); // nothing else, not even without the header

  // Following a prefetched link is a hit, reported by the next page.
  await page.click('#a');
  await page.waitForURL('**/site/a');
  await page.waitForFunction(() => (window as any).pf);
  expect(ls.requests.filter((r) => r.path === '/site/a')).toHaveLength(1); // served from the prefetch
  expect(await page.evaluate(() => (window as any).ppEvents)).toEqual([expect.objectContaining({ kind: 'prefetch', name: 'prefetch.hit', value: 1, attrs: { trigger: 'viewport' } })]);
  const s = await page.evaluate(() => (window as any).pf.stats());
  expect(s).toMatchObject({ hits: 1, hitRate: 0.5 });
  expect(s.wastedBytes).toBeGreaterThan(0);
});

test('<link rel=prefetch> where Speculation Rules are missing; destroy() removes the hints', async ({ page, ls }) => {
  await page.addInitScript(() => { (HTMLScriptElement as any).supports = () => false; });
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await expect.poll(() => prefetched(ls)).toEqual(['/site/a', '/site/b']);
  expect(await page.evaluate(() => (window as any).pf.stats().mechanism)).toBe('link');
  await expect(page.locator('link[rel=prefetch]')).toHaveCount(2);
  await page.evaluate(() => (window as any).pf.destroy());
  await expect(page.locator('link[rel=prefetch]')).toHaveCount(0);
});

test('an engine that ignores <link rel=prefetch> (Firefox ESR 140, for links added after load) gets fetch instead', async ({ page, ls }) => {
  // As that engine does: the link is in the DOM and relList says prefetch is supported, but no
  // request goes and no event fires. Here the rel the page sets is one no engine knows.
  await page.addInitScript(() => {
    (HTMLScriptElement as any).supports = () => false;
    const rel = Object.getOwnPropertyDescriptor(HTMLLinkElement.prototype, 'rel')!;
    Object.defineProperty(HTMLLinkElement.prototype, 'rel', { ...rel, set(v: string) { rel.set!.call(this, v == 'prefetch' ? 'x-ignored' : v); } });
  });
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await page.waitForTimeout(1000);
  expect(anySite(ls)).toEqual([]); // the links went unanswered, and are not counted
  expect(await page.evaluate(() => (window as any).pf.stats())).toMatchObject({ mechanism: 'link', prefetched: 0 });
  await expect.poll(() => prefetched(ls), { timeout: 5000 }).toEqual(['/site/a', '/site/b']);
  expect(await page.evaluate(() => (window as any).pf.stats())).toMatchObject({ mechanism: 'fetch', prefetched: 2, page: 2 });
  await expect(page.locator('link[rel=x-ignored]')).toHaveCount(0);
  expect(anySite(ls).sort()).toEqual(['/site/a', '/site/b']); // each once
});

test('hover prefetches after the delay, not when the pointer only passes; mousedown at once', async ({ page, ls }) => {
  await opts(page, { viewport: false, predict: false, hoverDelayMs: 200 });
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await page.locator('#far').scrollIntoViewIfNeeded();
  // Passing over for less than the delay: nothing.
  await page.hover('#far');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400);
  expect(prefetched(ls)).toEqual([]);
  const t0 = Date.now();
  await page.hover('#far');
  await expect.poll(() => prefetched(ls)).toEqual(['/site/far']);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  await page.dispatchEvent('#far2', 'mousedown');
  await expect.poll(() => prefetched(ls)).toEqual(['/site/far', '/site/far2']);
});

test('nothing is prefetched under Save-Data, on 2g, or when the page says so', async ({ page, ls }) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'connection', { get: () => ({ saveData: true, effectiveType: '4g' }) }));
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await idle(page);
  await page.dispatchEvent('#far', 'mousedown');
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as any).pf.stats())).toMatchObject({ allowed: false, prefetched: 0 });
  expect(prefetched(ls)).toEqual([]);

  const page2 = await page.context().newPage();
  await page2.addInitScript(() => Object.defineProperty(Navigator.prototype, 'connection', { get: () => ({ saveData: false, effectiveType: '2g' }) }));
  await page2.goto(`${ls.url}/loading/prefetch.html`);
  expect(await page2.evaluate(() => (window as any).pf.stats().allowed)).toBe(false);

  // The page says so: data-no-prefetch on <html> (set as the page parses, as a server would).
  const page3 = await page.context().newPage();
  await page3.addInitScript(() => document.addEventListener('DOMContentLoaded', () => document.documentElement.setAttribute('data-no-prefetch', '')));
  await page3.goto(`${ls.url}/loading/prefetch.html`);
  expect(await page3.evaluate(() => (window as any).pf.stats().allowed)).toBe(false);
  await idle(page3);
  await page3.waitForTimeout(300);
  expect(prefetched(ls)).toEqual([]);
});

test('the session budget stops prefetching', async ({ page, ls }) => {
  await opts(page, { maxPrefetches: 1, predict: false });
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await expect.poll(() => prefetched(ls)).toHaveLength(1);
  await page.dispatchEvent('#far', 'mousedown');
  await idle(page);
  await page.waitForTimeout(300);
  expect(prefetched(ls)).toHaveLength(1);
  await expect.poll(() => page.evaluate(() => (window as any).pf.stats())).toMatchObject({ prefetched: 1 });
});

test('after a few training navigations the model prefetches the usual next page', async ({ page, ls }) => {
  // Only the model may prefetch here (no viewport or hover triggers), and only on the home page:
  // page b's own prediction (home, learned from the loop) could otherwise land after ls.reset().
  // Page b still learns every navigation.
  await page.addInitScript(() => ((window as any).PP_OPTS = { viewport: false, intent: false, predict: location.pathname.endsWith('/home') }));
  for (let i = 0; i < 3; i++) {
    await page.goto(`${ls.url}/site/home`);
    await page.waitForFunction(() => (window as any).pf);
    await page.click('#to-b');
    await page.waitForURL('**/site/b');
    await page.waitForFunction(() => (window as any).pf);
  }
  ls.reset();
  await page.goto(`${ls.url}/site/home`);
  await expect.poll(() => prefetched(ls)).toEqual(['/site/b']);
  await page.click('#to-b');
  await page.waitForURL('**/site/b');
  await page.waitForFunction(() => (window as any).pf);
  expect(await page.evaluate(() => (window as any).ppEvents)).toEqual([expect.objectContaining({ name: 'prefetch.hit', attrs: { trigger: 'predict' } })]);
});

test('a second visit preconnects to the third-party origin the first visit used; preconnect() adds explicit ones', async ({ page, ls }) => {
  await page.goto(`${ls.url}/loading/third-party.html`);
  await page.waitForLoadState('load');
  await idle(page);
  const thirdParty = `http://localhost:${ls.port}`;
  expect(await page.locator('link[rel=preconnect]').count()).toBe(0);
  // Learned in idle time after load; wait until it is stored.
  await expect.poll(() => page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('pagepace-loading');
    open.onsuccess = () => {
      const get = open.result.transaction('model').objectStore('model').get('origins');
      get.onsuccess = () => resolve(get.result ?? null);
    };
  }))).toEqual({ '/loading/third-party.html': { [thirdParty]: 0.5 } });
  await page.reload();
  await expect(page.locator('link[rel=preconnect]')).toHaveAttribute('href', thirdParty);
  await page.evaluate(() => (window as any).pf.preconnect(['https://fonts.example.com/x.css', 'https://fonts.example.com']));
  expect(await page.locator('link[rel=preconnect]').evaluateAll((ls) => ls.map((l) => (l as HTMLLinkElement).href))).toEqual([`${thirdParty}/`, 'https://fonts.example.com/']);
  expect(await page.evaluate(() => (window as any).ppErrors)).toEqual([]);
});

test('links added after start are prefetched when they come into view; removed links lose their rule; destroy() stops watching', async ({ page, ls }) => {
  await opts(page, { predict: false, intent: false });
  await logRules(page);
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await expect.poll(() => prefetched(ls)).toEqual(['/site/a', '/site/b']);
  await idle(page); // the start-up scan is over
  // Added later: a link nested in added markup (in view), one far below, one opted out.
  await page.evaluate(() => {
    const d = document.createElement('div');
    d.innerHTML = '<p><span><a id="late" href="/site/late">late</a> <a data-no-prefetch href="/site/late-no">no</a></span></p><p style="margin-top:3000px"><a id="late-far" href="/site/late-far">late far</a></p>';
    document.body.prepend(d);
  });
  await expect.poll(() => prefetched(ls)).toEqual(['/site/a', '/site/b', '/site/late']);
  await idle(page);
  await page.waitForTimeout(300);
  expect(prefetched(ls)).toEqual(['/site/a', '/site/b', '/site/late']); // not the far one yet
  await page.locator('#late-far').scrollIntoViewIfNeeded();
  await expect.poll(() => prefetched(ls)).toEqual(['/site/a', '/site/b', '/site/late', '/site/late-far']);

  // A re-rendered link (removed, another to the same URL in its place) keeps its rule.
  await page.evaluate(() => {
    const old = document.getElementById('late')!;
    old.replaceWith(Object.assign(document.createElement('a'), { id: 'late', href: '/site/late', textContent: 'late' }));
  });
  await idle(page);
  await page.waitForTimeout(300);
  expect((await ruleLog(page)).filter((x) => x.startsWith('-'))).toEqual([]);
  expect(prefetched(ls).filter((p) => p === '/site/late')).toHaveLength(1);

  // Removing a link withdraws its viewport rule; the others stay.
  await page.evaluate(() => document.getElementById('a')!.remove());
  await expect.poll(() => ruleLog(page)).toContain('-prefetch /site/a');
  expect((await ruleLog(page)).filter((x) => x.startsWith('-'))).toEqual(['-prefetch /site/a']);
  await expect(page.locator('script[type=speculationrules]')).toHaveCount(3);

  // After destroy(), added links are not watched and every rule is gone.
  await page.evaluate(() => (window as any).pf.destroy());
  await page.evaluate(() => document.body.insertAdjacentHTML('afterbegin', '<a id="after" href="/site/after">after</a>'));
  await idle(page);
  await page.waitForTimeout(300);
  expect(prefetched(ls)).not.toContain('/site/after');
  await expect(page.locator('script[type=speculationrules]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).ppErrors)).toEqual([]);
});

test('a hover rule (prerender when asked) is withdrawn when the pointer leaves; before the delay none is added', async ({ page, ls }) => {
  await opts(page, { viewport: false, predict: false, hoverDelayMs: 500, prerender: true });
  await logRules(page);
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await page.locator('#far').scrollIntoViewIfNeeded();
  await page.hover('#far');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(700);
  expect(await ruleLog(page)).toEqual([]);
  await page.hover('#far');
  await expect.poll(() => ruleLog(page)).toEqual(['+prerender /site/far']);
  await expect.poll(() => ls.requests.filter((r) => r.path === '/site/far').map((r) => r.purpose)).toEqual(['prefetch;prerender']);
  await page.mouse.move(0, 0);
  await expect.poll(() => ruleLog(page)).toEqual(['+prerender /site/far', '-prerender /site/far']);
  await expect(page.locator('script[type=speculationrules]')).toHaveCount(0);
  // Hovered again: wanted again.
  await page.hover('#far');
  await expect.poll(() => ruleLog(page)).toEqual(['+prerender /site/far', '-prerender /site/far', '+prerender /site/far']);
  // A press keeps it: the pointer leaving after it withdraws nothing.
  await page.dispatchEvent('#far', 'mousedown');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  expect(await ruleLog(page)).toHaveLength(3);
});

test('the concurrency limit holds with Speculation Rules (a rule is in flight as long as this page took) and with <link>', async ({ page, ls }) => {
  // This page takes 600 ms to arrive, so each rule counts as in flight for about that long.
  await opts(page, { concurrency: 1, predict: false, intent: false });
  await page.goto(`${ls.url}/loading/prefetch.html?delay=600`);
  await expect.poll(() => prefetched(ls), { timeout: 5000 }).toEqual(['/site/a', '/site/b']);
  const at = (p: string) => ls.requests.find((r) => r.path === p)!;
  expect(at('/site/b').t - at('/site/a').t).toBeGreaterThanOrEqual(500);

  // The default, 2: both at once.
  ls.reset();
  const page2 = await page.context().newPage();
  await page2.goto(`${ls.url}/loading/prefetch.html?delay=600`);
  await expect.poll(() => prefetched(ls), { timeout: 5000 }).toEqual(['/site/a', '/site/b']);
  expect(Math.abs(at('/site/b').t - at('/site/a').t)).toBeLessThan(300);

  // <link rel=prefetch>: the next one starts only when the previous one has loaded.
  ls.reset();
  ls.set({ siteDelay: 400 });
  const page3 = await page.context().newPage();
  await page3.addInitScript(() => { (HTMLScriptElement as any).supports = () => false; (window as any).PP_OPTS = { concurrency: 1, predict: false, intent: false }; });
  await page3.goto(`${ls.url}/loading/prefetch.html`);
  await expect.poll(() => prefetched(ls), { timeout: 5000 }).toEqual(['/site/a', '/site/b']);
  await expect.poll(() => at('/site/b').done).toBeGreaterThan(0);
  expect(at('/site/b').t).toBeGreaterThanOrEqual(at('/site/a').done);
});

test('the byte budget stops prefetching', async ({ page, ls }) => {
  // A prefetch is estimated at this page's size: a budget of 1.5 pages allows two.
  await page.addInitScript(() => Object.defineProperty(window, 'PP_OPTS', {
    get: () => ({ predict: false, maxBytes: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).encodedBodySize * 1.5 }),
  }));
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await expect.poll(() => prefetched(ls)).toEqual(['/site/a', '/site/b']);
  await page.dispatchEvent('#far', 'mousedown');
  await page.locator('#far').scrollIntoViewIfNeeded();
  await idle(page);
  await page.waitForTimeout(300);
  expect(prefetched(ls)).toEqual(['/site/a', '/site/b']);
  const size = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).encodedBodySize);
  await expect.poll(() => page.evaluate(() => (window as any).pf.stats())).toMatchObject({ prefetched: 2, bytes: 2 * size });
});

test.describe('on a touch screen', () => {
  test.use({ hasTouch: true });
  test('touchstart on a link prefetches it at once', async ({ page, ls }) => {
    await opts(page, { viewport: false, predict: false, hoverDelayMs: 5000 });
    // The page cancels the touch: no compatibility mousedown, no click, no navigation.
    await page.addInitScript(() => addEventListener('touchstart', (e) => e.preventDefault(), { passive: false }));
    await page.goto(`${ls.url}/loading/prefetch.html`);
    await page.locator('#far').scrollIntoViewIfNeeded();
    const box = (await page.locator('#far').boundingBox())!;
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => prefetched(ls)).toEqual(['/site/far']);
    await expect.poll(() => ledgerList(page)).toEqual([[`${ls.url}/site/far`, expect.any(Number), 'intent']]);
    expect(new URL(page.url()).pathname).toBe('/loading/prefetch.html');
  });
});

/** This page's browser without Speculation Rules and without <link rel=prefetch>, as WebKit is. */
const likeWebKit = (page: Page) => page.addInitScript(() => {
  (HTMLScriptElement as any).supports = () => false;
  const supports = DOMTokenList.prototype.supports;
  DOMTokenList.prototype.supports = function (t: string) {
    return t === 'prefetch' ? false : supports.call(this, t);
  };
});

test('under script-src \'self\' the refused Speculation Rules fall back to <link rel=prefetch>, and only what went is counted', async ({ page, ls }) => {
  // Before: the rules were refused (a securitypolicyviolation), nothing was fetched, and stats() said 2 prefetched by speculationrules.
  await opts(page, { predict: false, intent: false });
  await page.goto(`${ls.url}/loading/prefetch-csp.html?csp=${encodeURIComponent("script-src 'self'")}`);
  await expect.poll(() => prefetched(ls), { timeout: 5000 }).toEqual(['/site/a', '/site/b']);
  expect(await page.evaluate(() => (window as any).ppViolations)).toContain('script-src-elem');
  await expect(page.locator('script[type=speculationrules]')).toHaveCount(0);
  await expect(page.locator('link[rel=prefetch]')).toHaveCount(2);
  await expect.poll(() => page.evaluate(() => (window as any).pf.stats())).toMatchObject({ mechanism: 'link', prefetched: 2, page: 2 });
  // Bytes are measured (resource timing of the link), not estimated.
  const sent = ls.requests.filter((r) => /^\/site\/[ab]$/.test(r.path) && r.purpose === 'prefetch').reduce((n, r) => n + r.bytes, 0);
  expect((await page.evaluate(() => (window as any).pf.stats())).bytes).toBe(sent);
  expect(await page.evaluate(() => (window as any).ppErrors)).toEqual([]);
});

const RULES_ALLOWED = "script-src 'self' 'inline-speculation-rules'";
// Before the Trusted Types policy: a rule's text was a plain string, refused at once (a TypeError
// at textContent, no fallback), and nothing was prefetched under either Trusted Types policy.
for (const [when, csp, mechanism, violations] of [
  ["a CSP with 'inline-speculation-rules' keeps Speculation Rules", RULES_ALLOWED, 'speculationrules', []],
  ['Trusted Types that allow the policy `pagepace` keep Speculation Rules', `${RULES_ALLOWED}; require-trusted-types-for 'script'; trusted-types pagepace`, 'speculationrules', []],
  // The browser reports the policy it refused and the one refused rule; nothing of pagepace's fails.
  ['under Trusted Types that allow no policy the refused rule falls back to <link rel=prefetch>', `${RULES_ALLOWED}; require-trusted-types-for 'script'; trusted-types 'none'`, 'link', ['trusted-types', 'require-trusted-types-for']],
] as const) {
  test(when, async ({ page, ls }) => {
    await opts(page, { predict: false, intent: false });
    await page.goto(`${ls.url}/loading/prefetch-csp.html?csp=${encodeURIComponent(csp)}`);
    await expect.poll(() => prefetched(ls), { timeout: 5000 }).toEqual(['/site/a', '/site/b']);
    await expect(page.locator('script[type=speculationrules]')).toHaveCount(mechanism === 'link' ? 0 : 2);
    await expect.poll(() => page.evaluate(() => (window as any).pf.stats())).toMatchObject({ mechanism, prefetched: 2, page: 2 });
    expect(await page.evaluate(() => (window as any).ppViolations)).toEqual(violations);
    expect(await page.evaluate(() => (window as any).ppErrors)).toEqual([]);
  });
}

test('without Speculation Rules and <link rel=prefetch> (WebKit) a low-priority same-origin fetch prefetches, the HTTP cache serves the navigation, and failures count nothing', async ({ page, ls }) => {
  // Before: <link rel=prefetch> was added (WebKit ignores it) and stats() counted 2 prefetches that never went.
  ls.set({ siteCache: 'private, max-age=60' });
  await likeWebKit(page);
  await opts(page, { predict: false, intent: false });
  await page.route('**/site/b', (r) => r.abort());
  await page.goto(`${ls.url}/loading/prefetch.html`);
  await expect.poll(() => prefetched(ls), { timeout: 5000 }).toEqual(['/site/a']);
  expect(ls.requests.find((r) => r.path === '/site/a')!.purpose).toBe('prefetch'); // the Purpose header
  await expect(page.locator('link[rel=prefetch], script[type=speculationrules]')).toHaveCount(0);
  const bytes = ls.requests.find((r) => r.path === '/site/a')!.bytes;
  // /site/b failed (aborted): not counted; the other origin's link is not fetched at all.
  await expect.poll(() => page.evaluate(() => (window as any).pf.stats())).toMatchObject({ mechanism: 'fetch', prefetched: 1, page: 1, bytes });
  expect(ls.requests.some((r) => r.path === '/site/other')).toBe(false);
  await page.unroute('**/site/b');
  await page.click('#a');
  await page.waitForURL('**/site/a');
  await page.waitForFunction(() => (window as any).pf);
  expect(ls.requests.filter((r) => r.path === '/site/a')).toHaveLength(1); // from the HTTP cache
  expect(await page.evaluate(() => (window as any).ppEvents)).toEqual([expect.objectContaining({ name: 'prefetch.hit', attrs: { trigger: 'viewport' } })]);
});
