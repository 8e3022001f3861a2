/**
 * Status used internally when the client went away before the body arrived.
 * It is never written to the wire (there is no one left to read it); it
 * exists so that stats can tell an abort apart from a rejection we sent.
 */
export const CLIENT_CLOSED = 499;

/**
 * Why the collector refused a request: an HTTP status and a human-readable
 * reason. `decodeBatch` and `validateBatch` throw it; the handler turns it
 * into a `text/plain` response whose body is `reason`.
 *
 * @example
 * try { await decodeBatch(bytes, 'application/json'); }
 * catch (e) { if (e instanceof CollectorError) res.writeHead(e.status).end(e.reason); }
 */
export class CollectorError extends Error {
  /** The HTTP status to answer with (400, 408, 413, 415, 500…). */
  readonly status: number;
  /** Why, in one sentence, safe to send back to the client. */
  readonly reason: string;
  /** For validation failures, the path of the offending field, e.g. `events[3].value`. */
  readonly path: string | undefined;

  constructor(status: number, reason: string, options: { path?: string; cause?: unknown } = {}) {
    super(`pagepace collector: ${reason}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CollectorError';
    this.status = status;
    this.reason = reason;
    this.path = options.path;
  }
}
