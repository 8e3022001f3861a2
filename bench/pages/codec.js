// The in-page half of bench/codec.bench.mjs: the built codec and worker, timed in Chromium.
import { decodeBatchSync, encodeBatch, encodeBatchSync } from '/dist/protocol.js';
import { startRemote } from '/dist/pagepace.remote.js';
import { median, quantile, runRounds } from '/lib/stats.mjs';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Bytes `encodeBatch` picks in this browser (default deflate: 'auto'), per batch. */
export async function wireBytes(batches) {
  const out = {};
  for (const [n, batch] of Object.entries(batches)) out[n] = (await encodeBatch(batch)).length;
  return out;
}

/** The same interleaved, time-boxed rounds as the Node side, on the same cases. */
export function throughput(batches, opts) {
  const cases = {};
  for (const [n, batch] of Object.entries(batches)) {
    const bin = encodeBatchSync(batch);
    const json = enc.encode(JSON.stringify(batch));
    cases[`${n}:pagepace:encode`] = () => encodeBatchSync(batch);
    cases[`${n}:json:encode`] = () => enc.encode(JSON.stringify(batch));
    cases[`${n}:pagepace:decode`] = () => decodeBatchSync(bin);
    cases[`${n}:json:decode`] = () => JSON.parse(dec.decode(json));
  }
  return runRounds(cases, opts);
}

const spread = (xs) => ({ median: median(xs), p95: quantile(xs, 0.95), min: Math.min(...xs), max: Math.max(...xs), n: xs.length });

/**
 * Main-thread cost of handing a batch to the encoding worker. Per call: `sync` is from the
 * call until remote.encode returns its promise (comlink proxy + structured clone + postMessage),
 * `roundTrip` until the encoded bytes are back. Calls are sequential (each awaited).
 * `burstMeanMs` cross-checks `sync` without per-call clock reads: `burst` calls issued
 * back to back, total time / burst.
 */
export async function worker(batch, { url, warmup, calls, burst }) {
  const t0 = performance.now();
  const remote = startRemote(url);
  const first = await remote.encode(batch);
  const firstCallMs = performance.now() - t0;
  for (let i = 0; i < warmup; i++) await remote.encode(batch);
  const sync = [];
  const roundTrip = [];
  // Interleaved with the real calls: a plain postMessage of the same batch to a worker that
  // ignores it, i.e. the structured clone alone, without comlink or any encoding.
  const sink = new Worker('/sink.js');
  const floor = [];
  let bytes = first.length;
  for (let i = 0; i < calls; i++) {
    const a = performance.now();
    const p = remote.encode(batch);
    const b = performance.now();
    bytes = (await p).length;
    const c = performance.now();
    sync.push(b - a);
    roundTrip.push(c - a);
    const d = performance.now();
    sink.postMessage(batch);
    floor.push(performance.now() - d);
  }
  sink.terminate();
  const pending = [];
  const b0 = performance.now();
  for (let i = 0; i < burst; i++) pending.push(remote.encode(batch));
  const burstMeanMs = (performance.now() - b0) / burst;
  await Promise.all(pending);
  remote.terminate();
  return { crossOriginIsolated: self.crossOriginIsolated, firstCallMs, bytes, sync: spread(sync), floor: spread(floor), roundTrip: spread(roundTrip), burstMeanMs, burst };
}
