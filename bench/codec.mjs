// Sizes and speed of the binary codec against JSON on the shared reference batches.
// Usage: node bench/codec.mjs [--quick]
// Builds src/protocol with esbuild (a vite dependency) into memory, so no build step is needed.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const entry = `export * from './src/protocol/index.ts'; export * from './src/protocol/reference.ts';`;
const out = await build({
  stdin: { contents: entry, resolveDir: root.pathname, loader: 'ts' },
  bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'error',
});
const P = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);

const quick = process.argv.includes('--quick');
const enc = new TextEncoder();
const dec = new TextDecoder();

function opsPerSec(fn, ms = quick ? 300 : 1500) {
  for (let i = 0; i < 50; i++) fn(); // warm up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    t = performance.now();
  }
  return Math.round((n * 1000) / (t - t0));
}

const rows = [];
for (const n of [50, 200]) {
  const ref = JSON.parse(readFileSync(new URL(`src/protocol/vectors/reference-batch-${n}.json`, root), 'utf8'));
  const batch = P.referenceToBatch(ref);
  const refJson = JSON.stringify(ref);
  const batchJson = JSON.stringify(batch);
  const plain = P.encodeBatchSync(batch);
  const deflated = await P.encodeBatch(batch, { deflate: true });
  const wire = await P.encodeBatch(batch);
  const gz = gzipSync(refJson).length;
  rows.push({
    events: n,
    'JSON (reference)': Buffer.byteLength(refJson),
    'JSON+gzip (reference)': gz,
    'JSON (Batch)': Buffer.byteLength(batchJson),
    'JSON+gzip (Batch)': gzipSync(batchJson).length,
    'pagepace plain': plain.length,
    'pagepace deflated': deflated.length,
    'wire (auto)': wire.length,
    'wire / gzip': (wire.length / gz).toFixed(3),
  });
  const speed = {
    events: n,
    'encodeBatchSync ops/s': opsPerSec(() => P.encodeBatchSync(batch)),
    'JSON.stringify+TextEncoder ops/s': opsPerSec(() => enc.encode(JSON.stringify(batch))),
    'decodeBatchSync ops/s': opsPerSec(() => P.decodeBatchSync(plain)),
    'TextDecoder+JSON.parse ops/s': opsPerSec(() => JSON.parse(dec.decode(enc.encode(batchJson)))),
  };
  rows.push(speed);
}
const sizes = rows.filter((r) => 'wire (auto)' in r);
const speeds = rows.filter((r) => !('wire (auto)' in r));
console.log('Bytes');
console.table(sizes);
console.log('Throughput (Node %s)', process.version);
console.table(speeds);
