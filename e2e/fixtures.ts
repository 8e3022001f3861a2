import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { Batch, PerfEvent } from '../src/core/types';
import { startDemoServer } from '../demo/server.js';

/** The demo server as tests see it. */
export interface Demo {
  url: string;
  store: { list(): Array<{ batch: Batch; meta: { contentType: string; bytes: number } }>; reset(): void };
  /** The next `times` POSTs to /collect get `status` (and `Retry-After`). */
  setFault(f: { status: number; times: number; retryAfter?: string }): void;
  fault(): { status: number; times: number; answered: number };
  /** The field view the dashboard shows. */
  field: { snapshot(): unknown };
  /** OTLP/HTTP JSON requests received at /v1/metrics and /v1/logs (`resourceMetrics` or `resourceLogs`). */
  otlp(): any[];
  collectorStats(): { accepted: number; duplicates: number; rejected: Record<string, number> };
  close(): Promise<void>;
}

/**
 * Every test gets the demo server (collector included) and fails if any page threw or left a
 * promise rejection unhandled: pagepace must never break the host page.
 */
export const test = base.extend<{ pageErrors: Error[] }, { demo: Demo }>({
  demo: [
    async ({}, use) => {
      const demo = (await startDemoServer({ fixtures: true, quiet: true })) as unknown as Demo;
      await use(demo);
      await demo.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ demo }, use) => use(demo.url),
  pageErrors: [
    async ({ context }, use) => {
      const errors: Error[] = [];
      context.on('weberror', (e) => errors.push(e.error()));
      await use(errors);
      expect(errors.map(String), 'page errors or unhandled rejections').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** The session id pagepace uses in this page's tab. */
export async function sessionOf(page: Page): Promise<string> {
  // pagepace reads (or starts) the session on first use, the first event or its sending side's start.
  const read = () => page.evaluate(() => JSON.parse(sessionStorage.getItem('pagepace:session') ?? 'null')?.id as string | undefined);
  let id = await read();
  for (const end = Date.now() + 5000; !id && Date.now() < end; id = await read()) await page.waitForTimeout(50);
  if (!id) throw new Error('pagepace has not started a session in this page');
  return id;
}

/** Events the collector received for a session, in arrival order. */
export function eventsOf(demo: Demo, sessionId: string): PerfEvent[] {
  return demo.store.list().filter((e) => e.batch.sessionId === sessionId).flatMap((e) => e.batch.events);
}

/** Waits until the collector holds events named `names` for the session; returns them all. */
export async function waitForNames(demo: Demo, sessionId: string, names: string[], timeout = 10_000): Promise<PerfEvent[]> {
  await expect.poll(() => {
    const got = new Set(eventsOf(demo, sessionId).map((e) => e.name));
    return names.filter((n) => !got.has(n));
  }, { timeout, message: `collector never received ${names.join(', ')}` }).toEqual([]);
  return eventsOf(demo, sessionId);
}
