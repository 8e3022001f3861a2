import { defineConfig } from '@playwright/test';
import { findChromium } from './e2e/chromium';

// One worker: these machines have two cores, and each test runs a real browser and server.
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  // One retry: a shared 2-core machine and a browser that can crash on its own (see sw.spec.ts).
  // A test that needed it is listed as "flaky" in the output, never hidden.
  retries: 1,
  timeout: 30_000,
  reporter: process.env.CI ? [['list'], ['junit', { outputFile: 'test-results/e2e.xml' }]] : 'list',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: findChromium(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'retain-on-failure',
  },
});
