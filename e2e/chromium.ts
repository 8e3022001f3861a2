import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/**
 * Finds a Chromium to drive: $PAGEPACE_CHROMIUM, then Debian's /usr/bin/chromium, then the
 * browser Playwright downloaded for itself. Playwright cannot download browsers everywhere,
 * so say in one line how to get one rather than failing obscurely.
 */
export function findChromium(): string {
  const candidates = [process.env.PAGEPACE_CHROMIUM, '/usr/bin/chromium'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // Playwright has no browser of its own here.
  }
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) {
    throw new Error('No Chromium found: run `apt-get install -y chromium` (Debian) or set PAGEPACE_CHROMIUM=/path/to/chrome.');
  }
  return found;
}
