// Thin launchers, one per engine: they only navigate (and go back), click, scroll and read the title. Every
// scenario's logic lives in its page (pages/*.html test themselves and report to the server).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Where each engine is found on Debian (or the env var that overrides it). */
export const ENGINES = {
  chromium: { bin: process.env.PAGEPACE_CHROMIUM || '/usr/bin/chromium', pkg: 'chromium' },
  firefox: { bin: process.env.PAGEPACE_FIREFOX || '/usr/bin/firefox-esr', pkg: 'firefox-esr' },
  webkit: { bin: process.env.PAGEPACE_WEBKITDRIVER || '/usr/bin/WebKitWebDriver', pkg: 'webkit2gtk-driver xvfb', also: [MINIBROWSER, '/usr/bin/xvfb-run'] },
};

/** Why an engine cannot run here, or undefined. */
export function missing(name) {
  const e = ENGINES[name];
  const absent = [e.bin, ...(e.also ?? [])].filter((p) => !existsSync(p));
  return absent.length ? `${absent.join(', ')} not found (apt-get install -y ${e.pkg})` : undefined;
}

/** The driver interface every scenario uses. */
/** @typedef {{ engine: string, version: string, goto(url: string): Promise<void>, back(): Promise<void>, click(sel: string): Promise<void>, scroll(y: number): Promise<void>, title(): Promise<string>, close(): Promise<void> }} Driver */

/** @returns {Promise<Driver>} */
async function puppeteerDriver(engine) {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch(engine === 'firefox'
    ? { browser: 'firefox', executablePath: ENGINES.firefox.bin, headless: true }
    : { executablePath: ENGINES.chromium.bin, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run'] });
  const page = await browser.newPage();
  const version = (await browser.version()).replace(/^(Headless)?Chrome\//, 'Chromium ').replace(/^firefox\//i, 'Firefox ');
  return {
    engine, version,
    goto: async (url) => void (await page.goto(url, { waitUntil: 'load', timeout: 20_000 })),
    // history.back() from the page: a restore from the back/forward cache fires no load event to wait for.
    back: () => page.evaluate(() => void history.back()).catch(() => {}),
    click: async (sel) => page.click(sel),
    scroll: async (y) => void (await page.evaluate((y) => scrollTo(0, y), y)),
    title: () => page.title(),
    close: () => browser.close(),
  };
}

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

/** WebKitGTK's MiniBrowser through WebKitWebDriver, under Xvfb (MiniBrowser needs a display). */
async function webkitDriver() {
  const { Builder, By } = await import('selenium-webdriver');
  const port = await freePort();
  const proc = spawn('xvfb-run', ['-a', ENGINES.webkit.bin, `--port=${port}`], { stdio: 'ignore', detached: true });
  const server = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${server}/status`)).ok) break;
    } catch {
      if (i > 100) throw new Error('WebKitWebDriver did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const driver = await new Builder().usingServer(server).withCapabilities({
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
  }).build();
  await driver.manage().setTimeouts({ pageLoad: 20_000, script: 20_000 });
  const caps = await driver.getCapabilities();
  const ua = await driver.executeScript('return navigator.userAgent');
  const gtk = /WebKitGTK?\/?([\d.]*)/.exec(String(caps.get('browserVersion') ?? ''))?.[1] || String(caps.get('browserVersion') ?? '');
  return {
    engine: 'webkit', version: `WebKitGTK ${gtk} (${/AppleWebKit\/[\d.]+/.exec(ua)?.[0] ?? ua})`,
    goto: (url) => driver.get(url),
    back: () => driver.executeScript('history.back()').then(() => {}, () => {}),
    click: async (sel) => (await driver.findElement(By.css(sel))).click(),
    scroll: async (y) => void (await driver.executeScript(`scrollTo(0, ${y})`)),
    title: () => driver.getTitle(),
    close: async () => {
      await driver.quit().catch(() => {});
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

/** Launches `engine`. @returns {Promise<Driver>} */
export const launch = (engine) => (engine === 'webkit' ? webkitDriver() : puppeteerDriver(engine));
