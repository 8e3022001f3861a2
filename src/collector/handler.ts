import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, fail } from '../core/errors';
import type { Batch } from '../core/types';
import { decompress, parseContentCoding, readBody } from './body';
import { applyCors, applyPreflight, corsPolicy } from './cors';
import type { CorsOptions } from './cors';
import { DEFAULT_DECODERS, isClean, OWNED_OUTPUT, resolveDecoder, runDecoder } from './decode';
import type { BatchDecoder, DecoderEntry } from './decode';
import { MemoryDedupe, claimsOf, dedupeKey } from './dedupe';
import type { ClaimOutcome, ClaimStore, DedupeStore } from './dedupe';
import { CLIENT_CLOSED, CollectorError } from './errors';
import { checkBatch, DEFAULT_LIMITS } from './validate';
import type { WireLimits } from './validate';

/** What the collector knows about a delivered batch besides its content. */
export interface BatchMeta {
  /** Media type of the body, lower-case, without parameters, e.g. `application/json`. */
  contentType: string;
  /** Short format name of the decoder used, e.g. `json` or `binary`. */
  format: string;
  /** Size of the body as it came over the wire (before `Content-Encoding` was undone), in bytes. */
  bytes: number;
  /** Size after decompression; equals `bytes` when no `Content-Encoding` was sent. */
  decodedBytes: number;
  /** `Content-Encoding` that was undone, when one was sent. */
  contentEncoding?: 'gzip' | 'deflate';
  /** When the request arrived, epoch ms. */
  receivedAt: number;
  /** The peer address of the socket. Behind a proxy this is the proxy; read `X-Forwarded-For` yourself if you trust it. */
  ip?: string;
  /** The `User-Agent` header. */
  userAgent?: string;
  /** Always `false`: duplicates are answered without calling `onBatch`. Kept so a future option can deliver them flagged. */
  duplicate: boolean;
}

/** Counters since the handler was created. */
export interface CollectorStats {
  /** Batches delivered to `onBatch` successfully (answered 204). */
  accepted: number;
  /** Events in accepted batches. */
  events: number;
  /** Wire bytes of accepted batches. */
  bytes: number;
  /** Repeated batches answered 204 without calling `onBatch`. */
  duplicates: number;
  /** Batches whose `onBatch` threw or rejected (answered 500). */
  failed: number;
  /** Batches not delivered because the dedupe store failed or timed out (answered 503, the browser retries). */
  storeUnavailable: number;
  /** Batches another instance was delivering at that moment (answered 503, the browser retries). */
  busy: number;
  /** Requests being handled now. */
  inFlight: number;
  /** Requests whose client went away before the body was complete (no answer possible). */
  aborted: number;
  /** Error answers by HTTP status, e.g. `{ 400: 3, 413: 1 }`; 500s from `failed` are included. */
  rejected: Record<number, number>;
}

/** Where an error reported to `onError` came from. */
export interface CollectorErrorContext {
  /** `onBatch` failed, the dedupe store failed, or the collector itself hit an unexpected error. */
  stage: 'onBatch' | 'dedupe' | 'internal';
  /** The batch involved, when known. */
  batchId?: string;
  /** Its session, when known. */
  sessionId?: string;
}

/** Options of {@link createCollector}. */
export interface CollectorOptions {
  /**
   * Receives every new, valid batch. May be async: the response waits for it,
   * and the browser is answered 204 only once it resolved, so resolve only
   * when the batch is safe (await your database or queue, do not just buffer
   * it): the browser forgets what was answered 204. If it throws or rejects,
   * the client gets 500 and the claim is released, so the browser's retry
   * delivers it again.
   */
  onBatch: (batch: Batch, meta: BatchMeta) => void | Promise<void>;
  /** Largest body, both as sent and after decompression, in bytes. Default 65536 (64 KiB). */
  maxBytes?: number;
  /** Cross-origin access. Default `true`: any origin may post, without credentials (see {@link CorsOptions}). `false` sends no CORS headers. */
  cors?: boolean | CorsOptions;
  /**
   * Dropping of repeated batches (same `sessionId` + `batchId`). Default
   * `true`: an in-memory LRU of the last 10,000 batches, for one process. A
   * number sets that bound; a {@link ClaimStore} is used as the store, e.g.
   * `createRedisDedupe(client)` shared by several processes (the older
   * `has`/`add` {@link DedupeStore} is still accepted); `false` delivers
   * every request.
   */
  dedupe?: boolean | number | ClaimStore | DedupeStore;
  /**
   * Extra or replacement decoders by media type (lower-case, no parameters),
   * e.g. `{ 'application/x-ndjson': myDecoder }`. Their output is validated
   * like any other.
   */
  decoders?: Record<string, BatchDecoder | DecoderEntry>;
  /**
   * Tighter or looser bounds on fields; see `DEFAULT_LIMITS`. `maxChars`, the
   * bound on the whole decoded batch, defaults to 8 × `maxBytes` here.
   */
  limits?: Partial<WireLimits>;
  /** How long a body may take to arrive before a 408, in ms. Default 10,000. */
  timeoutMs?: number;
  /** Told about `onBatch` failures and unexpected errors. Default: `console.error`. */
  onError?: (error: unknown, context: CollectorErrorContext) => void;
}

/** The request handler returned by {@link createCollector}, with its counters. */
export interface CollectorHandler {
  /** Handles one request; never throws, always answers (unless the client is gone). */
  (req: IncomingMessage, res: ServerResponse): void;
  /** A snapshot of the counters. */
  stats(): CollectorStats;
  /**
   * Stops taking batches and resolves once every request already being
   * handled has been answered (its `onBatch` included). Requests arriving
   * after are answered 503 with `Connection: close` and `Retry-After`, so the
   * browser retries, via the load balancer, on another instance. Use
   * `shutdown(server, collector)` to close the HTTP server with it.
   */
  close(): Promise<void>;
}

const OPTION_KEYS = new Set(['onBatch', 'maxBytes', 'cors', 'dedupe', 'decoders', 'limits', 'timeoutMs', 'onError']);

function checkOptions(options: CollectorOptions): void {
  if (typeof options !== 'object' || options === null) fail('options', options, 'an object with an onBatch function');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) fail(key, (options as unknown as Record<string, unknown>)[key], `one of the known options (${[...OPTION_KEYS].join(', ')})`);
  }
  if (typeof options.onBatch !== 'function') fail('onBatch', options.onBatch, 'a function');
  const { maxBytes, timeoutMs, dedupe, cors, onError } = options;
  if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 2 ** 30)) {
    fail('maxBytes', maxBytes, 'an integer from 1 to 1073741824');
  }
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) fail('timeoutMs', timeoutMs, 'a positive number of milliseconds');
  if (typeof dedupe === 'number' && (!Number.isInteger(dedupe) || dedupe < 1)) fail('dedupe', dedupe, 'a positive integer, a boolean or a store');
  if (dedupe !== undefined && typeof dedupe !== 'boolean' && typeof dedupe !== 'number') claimsOf(dedupe);
  if (cors !== undefined && typeof cors !== 'boolean' && (typeof cors !== 'object' || cors === null)) fail('cors', cors, 'a boolean or { origin?, maxAge?, credentials? }');
  if (onError !== undefined && typeof onError !== 'function') fail('onError', onError, 'a function');
}

function dedupeStore(option: CollectorOptions['dedupe']): ClaimStore | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return new MemoryDedupe();
  if (typeof option === 'number') return new MemoryDedupe(option);
  return claimsOf(option);
}

const CLAIM_OUTCOMES: ReadonlySet<unknown> = new Set(['claimed', 'delivered', 'in-flight']);

/** What happened to one batch; each maps to one answer. */
type Outcome = 'accepted' | 'duplicate' | 'failed' | 'unavailable' | 'busy';

function defaultOnError(error: unknown, context: CollectorErrorContext): void {
  console.error(`pagepace collector: ${context.stage} failed${context.batchId ? ` for batch ${context.batchId}` : ''}:`, error);
}

/**
 * Once we answer, the rest of an unread body must not keep the connection
 * busy forever. We keep reading (and dropping) it so the client's remaining
 * writes do not hit a closed socket and lose our answer to a TCP reset, but
 * ask Node to close the connection after the answer, which bounds the drain.
 */
function releaseBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || req.destroyed) return;
  if (!res.headersSent) res.setHeader('Connection', 'close');
  req.resume();
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body?: string, headers?: Record<string, string>): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  releaseBody(req, res);
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
  if (body === undefined || status === 204) {
    res.end();
    return;
  }
  const text = body + '\n';
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', String(Buffer.byteLength(text)));
  res.end(text);
}

/**
 * Creates the collector: a `(req, res)` handler for `http.createServer`,
 * Express or Connect that receives beacon batches and hands each new, valid
 * one to `onBatch`.
 *
 * Answers:
 * - `204` — accepted, or a repeat of a batch already accepted (same
 *   `sessionId` + `batchId`; `onBatch` is not called again). The memory of
 *   seen batches is bounded: by default the 10,000 most recent.
 * - `400` — body does not decode or lacks the wire shape; the `text/plain`
 *   body names the field, e.g. `events[3].value must be a finite number; received "abc"`.
 * - `403` — an `Origin` not allowed by `cors.origin`.
 * - `405` — any method but POST and OPTIONS, with `Allow: POST, OPTIONS`.
 * - `408` — body slower than `timeoutMs`.
 * - `413` — body over `maxBytes` by `Content-Length` (checked before reading),
 *   while streaming, after gzip/deflate decompression, or when a binary
 *   batch's own deflate would inflate past it.
 * - `415` — missing or unknown `Content-Type`, a text type in a charset other
 *   than UTF-8, or an unknown `Content-Encoding`.
 * - `500` — `onBatch` threw or rejected. We answer 500 rather than 204 so the
 *   browser keeps the batch and retries (its delivery is exactly-once by
 *   batch id), and we release the batch's claim, so the retry reaches
 *   `onBatch`. The error goes to `onError` and `stats().failed`.
 * - `503` with `Retry-After` — not delivered, retry: the dedupe store failed
 *   or timed out (`stats().storeUnavailable`; delivering without it could
 *   deliver twice), another instance is delivering the same batch right now
 *   (`stats().busy`), or {@link CollectorHandler.close} was called.
 * - `OPTIONS` — CORS preflight, `204`.
 *
 * The acknowledgement rule: `204` only once `onBatch` resolved and the
 * store recorded the batch as delivered; until then the browser keeps it.
 * The batch is claimed in the store before `onBatch` runs (atomically, so of
 * concurrent duplicates across instances exactly one is delivered), and a
 * claim not confirmed expires after the store's lease: a crash in between
 * costs a retry, never the batch.
 *
 * Concurrent requests in one process carrying the same batch (a retry racing
 * a slow `onBatch`) wait for the first: if it succeeds they are duplicates,
 * if it fails one of them tries again.
 *
 * Mount it before body parsers (`express.json()` would consume the stream).
 *
 * @example
 * const collect = createCollector({ onBatch: (batch, meta) => store.push(batch) });
 * http.createServer((req, res) => req.url === '/collect' ? collect(req, res) : notFound(res)).listen(8080);
 * // Express: app.post('/collect', collect); app.options('/collect', collect);
 *
 * @throws PagePaceError when an option is unknown or has a wrong value.
 */
export function createCollector(options: CollectorOptions): CollectorHandler {
  checkOptions(options);
  const { onBatch } = options;
  const maxBytes = options.maxBytes ?? 65_536;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // One bound for the whole decoded batch, a multiple of the body's: see WireLimits.maxChars.
  const maxChars = options.limits?.maxChars ?? 8 * maxBytes;
  const limits: WireLimits = { ...DEFAULT_LIMITS, ...options.limits, maxChars };
  const cors = corsPolicy(options.cors);
  const store = dedupeStore(options.dedupe);
  const onError = options.onError ?? defaultOnError;
  const decoders = new Map(DEFAULT_DECODERS);
  for (const [type, value] of Object.entries(options.decoders ?? {})) {
    decoders.set(type.toLowerCase(), typeof value === 'function' ? { format: type, decode: value } : value);
  }
  const inflight = new Map<string, Promise<boolean>>();
  const counts = { accepted: 0, events: 0, bytes: 0, duplicates: 0, failed: 0, storeUnavailable: 0, busy: 0, aborted: 0 };
  let active = 0;
  let closing = false;
  let drained: (() => void) | undefined;
  let closed: Promise<void> | undefined;
  const rejected: Record<number, number> = {};

  const report = (error: unknown, context: CollectorErrorContext): void => {
    try {
      onError(error, context);
    } catch {
      // A broken logger must not take the request (or the process) down with it.
    }
  };

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string, headers?: Record<string, string>): void => {
    rejected[status] = (rejected[status] ?? 0) + 1;
    send(req, res, status, reason, headers);
  };

  async function deliver(batch: Batch, meta: BatchMeta): Promise<boolean> {
    try {
      await onBatch(batch, meta);
      return true;
    } catch (error) {
      counts.failed++;
      report(error, { stage: 'onBatch', batchId: batch.batchId, sessionId: batch.sessionId });
      return false;
    }
  }

  /** Runs a store call, reporting a failure; `false` when it threw or rejected. */
  async function guarded(batch: Batch, call: () => unknown): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      report(error, { stage: 'dedupe', batchId: batch.batchId, sessionId: batch.sessionId });
      return false;
    }
  }

  async function claimOf(store: ClaimStore, key: string, batch: Batch): Promise<ClaimOutcome | undefined> {
    try {
      const outcome = await store.claim(key);
      if (CLAIM_OUTCOMES.has(outcome)) return outcome;
      throw new TypeError(`pagepace: dedupe store claim() must return 'claimed', 'delivered' or 'in-flight'; received ${describe(outcome)}`);
    } catch (error) {
      // Without the store we cannot tell whether the batch is new: delivering could deliver it twice.
      report(error, { stage: 'dedupe', batchId: batch.batchId, sessionId: batch.sessionId });
      return undefined;
    }
  }

  /** Claim, deliver, then confirm (or release): the order that makes a crash cost a retry, never a batch. */
  async function deliverClaimed(store: ClaimStore, key: string, batch: Batch, meta: BatchMeta): Promise<Outcome> {
    const claim = await claimOf(store, key, batch);
    if (claim === undefined) return 'unavailable';
    if (claim === 'delivered') return 'duplicate';
    if (claim === 'in-flight') return 'busy';
    if (!(await deliver(batch, meta))) {
      await guarded(batch, () => store.release(key));
      return 'failed';
    }
    // onBatch has the batch: answering 503 now would only make the browser send it again. If the
    // confirmation is lost, the claim's lease expires and a later replay is delivered twice, not lost.
    await guarded(batch, () => store.confirm(key));
    return 'accepted';
  }

  async function deliverOnce(batch: Batch, meta: BatchMeta): Promise<Outcome> {
    if (!store) return (await deliver(batch, meta)) ? 'accepted' : 'failed';
    const key = dedupeKey(batch);
    for (let pending = inflight.get(key); pending; pending = inflight.get(key)) {
      if (await pending) return 'duplicate';
    }
    // Registered synchronously after the loop, so no other request of this process can slip between
    // our check of `inflight` and our entry in it: the store sees one claim per key per process.
    let done!: (delivered: boolean) => void;
    inflight.set(key, new Promise<boolean>((resolve) => (done = resolve)));
    let outcome: Outcome = 'failed';
    try {
      outcome = await deliverClaimed(store, key, batch, meta);
      return outcome;
    } finally {
      inflight.delete(key);
      done(outcome === 'accepted' || outcome === 'duplicate');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const verdict = applyCors(cors, req, res);
    const method = req.method ?? '';
    if (method === 'OPTIONS') {
      if (cors && verdict !== 'forbidden') applyPreflight(cors, res);
      send(req, res, 204, undefined, { Allow: 'POST, OPTIONS' });
      return;
    }
    if (method !== 'POST') {
      refuse(req, res, 405, `method ${method} is not allowed; use POST`, { Allow: 'POST, OPTIONS' });
      return;
    }
    if (verdict === 'forbidden') {
      refuse(req, res, 403, `origin ${req.headers.origin ?? ''} may not post to this collector`);
      return;
    }
    if (closing) {
      // Keep-alive connections outlive server.close(): closing this one sends the browser's
      // retry through the load balancer to an instance that is staying.
      refuse(req, res, 503, 'this collector is shutting down; retry later', { 'Retry-After': '1', Connection: 'close' });
      return;
    }
    try {
      const entry = resolveDecoder(req.headers['content-type'], decoders);
      const coding = parseContentCoding(req.headers['content-encoding']);
      const raw = await readBody(req, { maxBytes, timeoutMs });
      const body = await decompress(raw, coding, maxBytes);
      const decoded = await runDecoder(entry, body, { maxBytes, maxChars });
      const batch = checkBatch(decoded, limits, OWNED_OUTPUT.has(entry.decode), isClean(entry, decoded));
      const meta: BatchMeta = {
        contentType: entry.type,
        format: entry.format,
        bytes: raw.length,
        decodedBytes: body.length,
        receivedAt,
        duplicate: false,
      };
      if (coding !== 'identity') meta.contentEncoding = coding;
      if (req.socket.remoteAddress) meta.ip = req.socket.remoteAddress;
      if (req.headers['user-agent']) meta.userAgent = req.headers['user-agent'];

      const outcome = await deliverOnce(batch, meta);
      if (outcome === 'failed') {
        refuse(req, res, 500, 'the batch could not be stored; retry later');
        return;
      }
      if (outcome === 'unavailable') {
        counts.storeUnavailable++;
        refuse(req, res, 503, 'the dedupe store is unavailable; retry later', { 'Retry-After': '2' });
        return;
      }
      if (outcome === 'busy') {
        counts.busy++;
        refuse(req, res, 503, 'this batch is being delivered by another collector instance; retry later', { 'Retry-After': '1' });
        return;
      }
      if (outcome === 'duplicate') {
        counts.duplicates++;
      } else {
        counts.accepted++;
        counts.events += batch.events.length;
        counts.bytes += raw.length;
      }
      send(req, res, 204);
    } catch (error) {
      if (!(error instanceof CollectorError)) throw error;
      if (error.status === CLIENT_CLOSED) {
        counts.aborted++;
        return;
      }
      refuse(req, res, error.status, error.reason);
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    // Without listeners, an 'error' from a reset connection would be thrown
    // as an uncaught exception and end the process.
    req.on('error', noop);
    res.on('error', noop);
    active++;
    handle(req, res)
      .catch((error: unknown) => {
        report(error, { stage: 'internal' });
        refuse(req, res, 500, 'internal collector error');
      })
      .finally(() => {
        if (--active === 0) drained?.();
      });
  };
  handler.stats = (): CollectorStats => ({ ...counts, inFlight: active, rejected: { ...rejected } });
  handler.close = (): Promise<void> => {
    closing = true;
    closed ??= active === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
    return closed;
  };
  return handler;
}

function noop(): void {}
