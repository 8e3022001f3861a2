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
}

/** Turns batches into request bodies. */
export interface Encoder {
  /** Encodes off the main thread where it can. Never rejects for a well-formed batch. */
  encode(batch: Batch): Promise<Encoded>;
  /**
   * Encodes at once, on this thread, for page unload: binary if the codec is loaded, else JSON;
   * OTLP if its module is loaded, else undefined (the batch then waits in the journal).
   */
  encodeSync(batch: Batch): Encoded | undefined;
  /** How the last binary batch was encoded: `worker`, `main-thread`, or undefined before the first. */
  readonly mode: 'worker' | 'main-thread' | undefined;
  /** Terminates the worker; resolves when it is gone. */
  destroy(): Promise<void>;
}

/** Options of {@link createEncoder}. */
export interface EncoderOptions {
  format: 'binary' | 'json' | 'otlp';
  /** The worker script URL, or false to encode on the main thread (in idle time). */
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
 * The encoder for the configured format. Binary batches go to the module worker (comlink),
 * which is started on first use; if it cannot start or misses its first deadline, the same
 * codec is loaded as a chunk and run on the main thread in idle time.
 */
export function createEncoder(opts: EncoderOptions): Encoder {
  const json = (batch: Batch): Encoded => ({ body: encodeJson(batch), type: JSON_TYPE, format: 'json' });
  let otlp: Otlp | undefined;
  // Loaded at once, so the synchronous unload path has it too.
  const otlpReady = opts.format === 'otlp' ? import('../beacon/formats/otlp').then((m) => (otlp = m)) : undefined;
  otlpReady?.catch(opts.onError);
  const otlpEncoded = (m: Otlp, batch: Batch): Encoded => ({ body: m.encodeOtlp(batch, VERSION), type: m.OTLP_TYPE, format: 'otlp' });
  let remote: Promise<RemoteEncoder | undefined> | undefined;
  let codec: Codec | undefined;
  let mode: Encoder['mode'];
  let answered = false;

  const startRemote = (url: string) =>
    import('./remote').then((m) => m.startRemote(url)).catch((err) => (opts.onError(err), undefined));

  const onMainThread = async (batch: Batch): Promise<Encoded> => {
    codec ??= await import('./codec');
    await idle();
    mode = 'main-thread';
    return { body: await codec.encodeBatch(batch), type: BINARY_TYPE, format: 'binary' };
  };

  const viaWorker = async (r: RemoteEncoder, batch: Batch): Promise<Encoded | undefined> => {
    // Every call has a deadline, not only the first: a worker that stops answering later must not
    // hold its batches (and the send slots they take) for good.
    const body = await within(r.encode(batch), answered ? 10_000 : opts.firstCallTimeoutMs ?? 3000);
    if (body === LATE) return undefined;
    answered = true;
    mode = 'worker';
    return { body, type: BINARY_TYPE, format: 'binary' };
  };

  return {
    async encode(batch) {
      if (opts.format === 'json') return json(batch);
      if (opts.format === 'otlp') return otlpEncoded(await otlpReady!, batch);
      if (opts.workerUrl !== false) {
        remote ??= startRemote(opts.workerUrl);
        const r = await remote;
        const out = r && (await viaWorker(r, batch).catch((err) => (opts.onError(err), undefined)));
        if (out) return out;
        // The worker failed or is too slow: stop using it for the rest of the page.
        if (r) r.terminate();
        remote = Promise.resolve(undefined);
      }
      try {
        return await onMainThread(batch);
      } catch (err) {
        opts.onError(err);
        return json(batch);
      }
    },
    encodeSync(batch) {
      if (opts.format === 'otlp') return otlp && otlpEncoded(otlp, batch);
      if (opts.format === 'binary' && codec) return { body: codec.encodeBatchSync(batch), type: BINARY_TYPE, format: 'binary' };
      return json(batch);
    },
    get mode() {
      return mode;
    },
    async destroy() {
      const r = await remote;
      remote = Promise.resolve(undefined);
      r?.terminate();
    },
  };
}
