// Finds and launches the Chromium the benchmarks drive (same search order as e2e/chromium.ts).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** $PAGEPACE_CHROMIUM, then Debian's /usr/bin/chromium, then Playwright's own download. */
export function findChromium() {
  const candidates = [process.env.PAGEPACE_CHROMIUM, '/usr/bin/chromium'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // Playwright has no browser of its own here.
  }
  const found = candidates.find((p) => !!p && existsSync(p));
  if (!found) throw new Error('No Chromium found: run `apt-get install -y chromium` (Debian) or set PAGEPACE_CHROMIUM=/path/to/chrome.');
  return found;
}

/** Launches Chromium with the project's flags; extra launch options are merged in. */
export function launchChromium(opts = {}) {
  return chromium.launch({ executablePath: findChromium(), ...opts, args: [...CHROMIUM_ARGS, ...(opts.args ?? [])] });
}

/** `Chromium 156.0…` from the binary itself, without launching a browser; null when unknown. */
export function chromiumVersion() {
  try {
    return execFileSync(findChromium(), ['--version'], { encoding: 'utf8', timeout: 15000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
