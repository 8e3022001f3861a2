import { encodeJson, JSON_TYPE } from '../beacon/formats/json';
import { LATE, within } from '../core/within';
import type { Batch } from '../core/types';
import { VERSION } from '../core/version';
import type { RemoteEncoder } from './remote';

/** An encoded request body, its media type and wire format. */
export interface Encoded {
  body: Uint8Array | string;
  type: string;
  format: 'binary' | 'json' | 'otlp';
  /** Where it goes, when not to the endpoint as given: OTLP's `/v1/metrics` or `/v1/logs` beside it. */
  url?: string;
}

/** Turns batches into request bodies. */
export interface Encoder {
  /** Encodes for a live send (in idle time, or in the worker when one is configured). Never rejects for a well-formed batch. */
  encode(batch: Batch): Promise<Encoded>;
  /**
   * Encodes at once, on this thread: at page hide and for the deferred request. Binary once the
   * codec chunk has arrived (it is fetched when the encoder is created), JSON before that (counted
   * in `fallbacks`); OTLP once its module is loaded, else undefined (the batch then waits in the journal).
   */
  encodeSync(batch: Batch): Encoded | undefined;
  /** How the last binary batch was encoded: `worker`, `main-thread`, or undefined before the first. */
  readonly mode: 'worker' | 'main-thread' | undefined;
  /** Binary batches that went as JSON because the codec had not arrived (or failed). */
  readonly fallbacks: number;
  /** Terminates the worker; resolves when it is gone. */
  destroy(): Promise<void>;
}

/** Options of {@link createEncoder}. */
export interface EncoderOptions {
  format: 'binary' | 'json' | 'otlp';
  /**
   * The endpoint, beside which OTLP batches go to their signal's URL (`otlpUrl`: web vitals to
   * `/v1/logs`, the rest to `/v1/metrics`). Without it they go to the transport's endpoint as given.
   */
  endpoint?: string;
  /** The worker script URL for live binary batches, or false to encode every batch on the main thread (in idle time). */
  workerUrl: string | false;
  /** A worker that has not answered its first call by then is given up for the main thread. */
  firstCallTimeoutMs?: number;
  onError: (err: unknown) => void;
}

const BINARY_TYPE = 'application/vnd.pagepace+binary';
type Codec = typeof import('./codec');
type Otlp = typeof import('../beacon/formats/otlp');

/** Resolves in idle time, so main-thread encoding never competes with the page's own work. */
const idle = () => new Promise<void>((r) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => r(), { timeout: 1000 }) : setTimeout(r, 0)));

/**
 * The encoder for the configured format. Binary batches are encoded by the codec chunk on the main
 * thread (fetched at once, so the synchronous path at hide has it), or, when a worker URL is given,
 * live batches go to that module worker (comlink); a worker that cannot start or misses its
 * deadline is given up for the main thread.
 */
export function createEncoder(opts: EncoderOptions): Encoder {
  const json = (batch: Batch): Encoded => ({ body: encodeJson(batch), type: JSON_TYPE, format: 'json' });
  let otlp: Otlp | undefined;
  let codec: Codec | undefined;
  // Loaded at once, so the synchronous hide path has them too.
  const load = <T>(p: Promise<T>) => (p.catch(opts.onError), p);
  const otlpReady = opts.format === 'otlp' ? load(import('../beacon/formats/otlp').then((m) => (otlp = m))) : undefined;
  const codecReady = opts.format === 'binary' ? load(import('./codec').then((m) => (codec = m))) : undefined;
  // To `/v1/logs` or `/v1/metrics` beside the endpoint, by what the batch holds (otlpRequest).
  const otlpEncoded = (m: Otlp, batch: Batch): Encoded => ({ ...m.otlpRequest(batch, VERSION, opts.endpoint), type: m.OTLP_TYPE, format: 'otlp' });
  const binary = (c: Codec, batch: Batch): Encoded => ({ body: c.encodeWire(batch), type: BINARY_TYPE, format: 'binary' });
  let remote: Promise<RemoteEncoder | undefined> | undefined;
  let mode: Encoder['mode'];
  let answered = false;
  let fallbacks = 0;

  const viaWorker = async (r: RemoteEncoder, batch: Batch): Promise<Encoded | undefined> => {
    // Every call has a deadline, not only the first: a worker that stops answering later must not
    // hold its batches (and the send slots they take) for good.
    const body = await within(r.encode(batch), answered ? 10_000 : opts.firstCallTimeoutMs ?? 3000);
    if (body === LATE) return undefined;
    answered = true;
    mode = 'worker';
    return { body, type: BINARY_TYPE, format: 'binary' };
  };

  const sync = (batch: Batch): Encoded | undefined => {
    if (opts.format === 'otlp') return otlp && otlpEncoded(otlp, batch);
    if (opts.format === 'binary') {
      if (codec) {
        mode ??= 'main-thread';
        return binary(codec, batch);
      }
      fallbacks++;
    }
    return json(batch);
  };

  return {
    async encode(batch) {
      if (opts.format === 'json') return json(batch);
      if (opts.format === 'otlp') return otlpEncoded(await otlpReady!, batch);
      if (opts.workerUrl !== false) {
        const url = opts.workerUrl;
        remote ??= import('./remote').then((m) => m.startRemote(url)).catch((err) => (opts.onError(err), undefined));
        const r = await remote;
        const out = r && (await viaWorker(r, batch).catch((err) => (opts.onError(err), undefined)));
        if (out) return out;
        // The worker failed or is too slow: stop using it for the rest of the page.
        if (r) r.terminate();
        remote = Promise.resolve(undefined);
      }
      try {
        await codecReady;
        await idle();
        mode = 'main-thread';
      } catch {
        // Counted by sync() as a fallback to JSON.
      }
      return sync(batch)!;
    },
    encodeSync: sync,
    get mode() {
      return mode;
    },
    get fallbacks() {
      return fallbacks;
    },
    async destroy() {
      const r = await remote;
      remote = Promise.resolve(undefined);
      r?.terminate();
    },
  };
}
