// Main-thread side of the encoding worker, loaded only when a binary batch is first encoded.
import { wrap } from 'comlink';
import type { Endpoint } from 'comlink';
import type { Batch } from '../core/types';
import type { EncoderWorkerApi } from './worker';
import { trustedScriptURL } from '../core/trustedTypes';

/** A started encoding worker. */
export interface RemoteEncoder {
  encode(batch: Batch): Promise<Uint8Array>;
  terminate(): void;
}

/**
 * Starts the module worker at `url` (same origin, never a blob: URL, so it runs under
 * `worker-src 'self'`), as a Trusted Types script URL where the page enforces them. Throws
 * synchronously where workers cannot start.
 */
export function startRemote(url: string): RemoteEncoder {
  const worker = new Worker(trustedScriptURL(url), { type: 'module', name: 'pagepace-encoder' });
  // comlink never removes the listener it adds to its endpoint; this endpoint remembers them so
  // terminate() leaves nothing behind on the page.
  const listeners = new Set<EventListenerOrEventListenerObject>();
  const endpoint: Endpoint = {
    postMessage: (msg: unknown, transfer?: Transferable[]) => worker.postMessage(msg, transfer ?? []),
    addEventListener: (type: string, l: EventListenerOrEventListenerObject) => (listeners.add(l), worker.addEventListener(type, l)),
    removeEventListener: (type: string, l: EventListenerOrEventListenerObject) => (listeners.delete(l), worker.removeEventListener(type, l)),
  };
  // One proxy for the method: every `api.encode` property read would make (and register) a new one.
  const encode = wrap<EncoderWorkerApi>(endpoint).encode;
  // A script that fails to load or run fires `error` and no call is ever answered: fail fast
  // instead of waiting for the first-call deadline.
  let onError!: () => void;
  const failed = new Promise<never>((_, reject) => {
    onError = () => reject(new Error(`pagepace: the encoding worker at ${url} failed to start`));
    worker.addEventListener('error', onError);
  });
  failed.catch(() => {}); // observed through encode(); never an unhandled rejection
  return {
    encode: (batch) => Promise.race([encode(batch), failed]),
    terminate() {
      // Calls still waiting would never settle: fail them, so their batches go another way.
      onError();
      worker.removeEventListener('error', onError);
      for (const l of listeners) worker.removeEventListener('message', l);
      listeners.clear();
      worker.terminate();
    },
  };
}
