import type { Server } from 'node:http';
import { fail } from '../core/errors';
import type { CollectorHandler } from './handler';

/** Options of {@link shutdown}. */
export interface ShutdownOptions {
  /**
   * Longest wait for in-flight requests, in ms; then the remaining
   * connections are cut (their browsers retry, as after a crash). Default
   * 10,000: above the collector's own body timeout, so a slow upload ends
   * first.
   */
  timeoutMs?: number;
}

/** What {@link shutdown} did. */
export interface ShutdownResult {
  /** `true` when every in-flight request was answered before `timeoutMs`. */
  drained: boolean;
}

/**
 * Stops a collector gracefully: the server takes no new connections, idle
 * keep-alive connections close, requests already being handled finish
 * (`onBatch` included) and are answered, then the server closes. Requests
 * that arrive meanwhile on open connections are answered 503 with
 * `Connection: close`, which browsers retry. Call it on `SIGTERM`.
 *
 * @example
 * process.once('SIGTERM', async () => { await shutdown(server, collect); await redis.quit(); });
 * @throws PagePaceError when `timeoutMs` is not a positive number.
 */
export async function shutdown(server: Server, collector: CollectorHandler, options: ShutdownOptions = {}): Promise<ShutdownResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) fail('shutdown timeoutMs', timeoutMs, 'a positive number of milliseconds');
  const serverClosed = new Promise<void>((resolve) => {
    if (!server.listening) resolve();
    else server.close(() => resolve());
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const drained = await Promise.race([collector.close().then(() => true as const), timedOut]);
  clearTimeout(timer);
  // Answered requests leave keep-alive connections idle; on timeout, the busy ones go too.
  if (drained) server.closeIdleConnections();
  else server.closeAllConnections();
  await serverClosed;
  return { drained };
}
