// Codec bench (issue 3 item 8): bytes on the reference batches against JSON, msgpack and CBOR;
// encode/decode throughput in Node and Chromium; main-thread cost of the encoding worker.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encode as msgpackEncode } from '@msgpack/msgpack';
import { Encoder as CborEncoder } from 'cbor-x';
import { build } from 'esbuild';
import { pairedRatios, runRounds } from './lib/stats.mjs';
import { startStaticServer } from './lib/static-server.mjs';

/** Where each reference batch was read from (for the report). */
const refSource = {};

const SIZES = [50, 200];
const GOAL = { wire50MaxBytes: 2400, wireVsGzip: 0.5, encodeVsJson: 1, mainThreadMs: 0.1 };

/** src/protocol/reference.ts (not part of dist/) bundled in memory by esbuild. */
async function loadReferenceConverter(root) {
  const out = await build({
    entryPoints: [join(root, 'src/protocol/reference.ts')],
    bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'error',
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

/** Numbers within the codec's contract (times to 0.1 ms, other numbers 1e-6 relative). */
function sameBatch(a, b, path = '') {
  if (typeof a === 'number' && typeof b === 'number') {
    const tol = /(^|\.)(ts|sentAt)$/.test(path) ? 0.1 : 1e-6 * Math.max(Math.abs(a), Math.abs(b));
    return Math.abs(a - b) <= tol ? null : path;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b ? null : path;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const bad = sameBatch(a[k], b[k], path ? `${path}.${k}` : k);
    if (bad !== null) return bad;
  }
  return null;
}

const int = (n) => Math.round(n).toLocaleString('en-US');
const ratio = (x) => `${x.toFixed(2)}×`;
const ms = (x) => `${x.toFixed(3)} ms`;
const pct = (s) => `±${Math.round(((s.max - s.min) / 2 / s.median) * 100)}%`;
const verdict = (ok) => (ok ? 'PASS' : 'MISS');

export default {
  name: 'codec',
  async run(ctx) {
    const { root, quick, log } = ctx;
    const P = await import(pathToFileURL(join(root, 'dist/protocol.js')).href);
    const R = await loadReferenceConverter(root);
    const cbor = new CborEncoder({ useRecords: false }); // standard CBOR maps (cbor-x's default `encode`)
    const te = new TextEncoder();
    const td = new TextDecoder();
    const timing = quick ? { rounds: 5, roundMs: 40, warmupMs: 100 } : { rounds: 25, roundMs: 60, warmupMs: 250 };
    const workerOpts = { url: '/dist/pagepace.worker.js', warmup: 30, calls: quick ? 200 : 400, burst: 200 };

    // 1. Bytes.
    const batches = {};
    const bytes = {};
    const roundTrip = {};
    for (const n of SIZES) {
      // The team's reference batches (../shared/bench/) when this checkout sits beside them; the copy
      // in the repo (which the test vectors use) otherwise. They must be the same bytes.
      const repoCopy = readFileSync(join(root, `src/protocol/vectors/reference-batch-${n}.json`));
      const shared = join(root, '..', 'shared', 'bench', `reference-batch-${n}.json`);
      if (existsSync(shared) && !readFileSync(shared).equals(repoCopy)) throw new Error(`src/protocol/vectors/reference-batch-${n}.json differs from ${shared}: copy it again`);
      refSource[n] = existsSync(shared) ? '../shared/bench/' : 'src/protocol/vectors/';
      const ref = JSON.parse(readFileSync(existsSync(shared) ? shared : join(root, `src/protocol/vectors/reference-batch-${n}.json`), 'utf8'));
      const batch = R.referenceToBatch(ref);
      if (batch.events.length !== n) throw new Error(`reference-batch-${n}: ${batch.events.length} events after conversion`);
      batches[n] = batch;
      const json = te.encode(JSON.stringify(batch));
      const refJson = te.encode(JSON.stringify(ref));
      const mp = msgpackEncode(batch);
      const cb = cbor.encode(batch);
      const plain = P.encodeBatchSync(batch);
      bytes[n] = {
        json: json.length,
        jsonGzip: gzipSync(json).length,
        msgpack: mp.length,
        msgpackGzip: gzipSync(mp).length,
        cbor: cb.length,
        cborGzip: gzipSync(cb).length,
        pagepace: plain.length,
        pagepaceDeflate: (await P.encodeBatch(batch, { deflate: true })).length,
        wireNode: (await P.encodeBatch(batch)).length,
        referenceJson: refJson.length,
        referenceJsonGzip: gzipSync(refJson).length,
      };
      const mismatch = sameBatch(P.decodeBatchSync(plain), batch);
      const back = R.batchToReference(await P.decodeBatch(await P.encodeBatch(batch)), R.referenceExtras(ref));
      roundTrip[n] = mismatch ?? sameBatch(back, ref);
    }

    // 2a. Throughput in Node, on the same build the page loads.
    log('codec: Node throughput');
    const cases = {};
    for (const n of SIZES) {
      const batch = batches[n];
      const bin = P.encodeBatchSync(batch);
      const json = te.encode(JSON.stringify(batch));
      cases[`${n}:pagepace:encode`] = () => P.encodeBatchSync(batch);
      cases[`${n}:json:encode`] = () => te.encode(JSON.stringify(batch));
      cases[`${n}:pagepace:decode`] = () => P.decodeBatchSync(bin);
      cases[`${n}:json:decode`] = () => JSON.parse(td.decode(json));
    }
    const node = runRounds(cases, timing);

    // 2b, 3. Chromium: same cases in a page, then the worker.
    log('codec: Chromium throughput and worker');
    const server = await startStaticServer({ '/': join(root, 'bench/pages'), '/dist/': join(root, 'dist'), '/lib/': join(root, 'bench/lib') });
    const browser = await ctx.browser();
    const page = await browser.newPage();
    let chromium, worker, wireChromium;
    try {
      const pageErrors = [];
      page.on('pageerror', (e) => pageErrors.push(e));
      await page.goto(`${server.url}/codec.html`);
      const call = (fn, ...args) => page.evaluate(async ([fn, args]) => (await import('/codec.js'))[fn](...args), [fn, args]);
      wireChromium = await call('wireBytes', batches);
      chromium = await call('throughput', batches, timing);
      worker = await call('worker', batches[50], workerOpts);
      if (pageErrors.length) throw pageErrors[0];
    } finally {
      await page.close();
      await server.close();
    }
    for (const n of SIZES) {
      bytes[n].wireChromium = wireChromium[n];
      bytes[n].wire = Math.max(bytes[n].wireNode, bytes[n].wireChromium);
    }

    // 4. Goals.
    const g = (n) => bytes[n].wire / bytes[n].jsonGzip;
    const enc = (n) => chromium[`${n}:pagepace:encode`].median / chromium[`${n}:json:encode`].median;
    const encPaired = (n) => pairedRatios(chromium[`${n}:pagepace:encode`], chromium[`${n}:json:encode`]);
    const noise = (n) => { const p = encPaired(n); return p.p25 < 1 && p.p75 >= 1 ? '; the middle half of per-round ratios straddles 1, so this verdict is within noise' : ''; };
    const goals = [
      { goal: `wire bytes, 50 events ≤ ${int(GOAL.wire50MaxBytes)} B`, value: bytes[50].wire, pass: bytes[50].wire <= GOAL.wire50MaxBytes, figure: `${int(bytes[50].wire)} B` },
      { goal: `wire bytes, 50 events ≤ ${GOAL.wireVsGzip}× JSON+gzip`, value: g(50), pass: g(50) <= GOAL.wireVsGzip, figure: `${g(50).toFixed(3)}× (${int(bytes[50].wire)} / ${int(bytes[50].jsonGzip)} B)` },
      { goal: `wire bytes, 200 events ≤ ${GOAL.wireVsGzip}× JSON+gzip`, value: g(200), pass: g(200) <= GOAL.wireVsGzip, figure: `${g(200).toFixed(3)}× (${int(bytes[200].wire)} / ${int(bytes[200].jsonGzip)} B)` },
      ...SIZES.map((n) => ({
        goal: `encode throughput in Chromium, ${n} events ≥ JSON.stringify+TextEncoder`, value: enc(n), pass: enc(n) >= GOAL.encodeVsJson,
        figure: `${enc(n).toFixed(2)}× (${int(chromium[`${n}:pagepace:encode`].median)} vs ${int(chromium[`${n}:json:encode`].median)} ops/s; per-round ratio median ${encPaired(n).median.toFixed(2)}×, middle half ${encPaired(n).p25.toFixed(2)}–${encPaired(n).p75.toFixed(2)}×${noise(n)})`,
      })),
      { goal: `main-thread cost per 50-event batch handed to the worker ≤ ${GOAL.mainThreadMs} ms (median)`, value: worker.sync.median, pass: worker.sync.median <= GOAL.mainThreadMs, figure: `${ms(worker.sync.median)} median, ${ms(worker.sync.p95)} p95 (floor, a plain postMessage of the same batch: ${ms(worker.floor.median)} median)` },
    ];

    const markdown = render({ bytes, node, chromium, worker, goals, roundTrip, timing, workerOpts });
    return { markdown, json: { bytes, roundTripMismatch: roundTrip, throughput: { node, chromium }, worker, goals, timing, workerOpts } };
  },
};

function render({ bytes, node, chromium, worker, goals, roundTrip, timing, workerOpts }) {
  const b50 = bytes[50];
  const b200 = bytes[200];
  const row = (label, k) => `| ${label} | ${int(b50[k])} | ${ratio(b50[k] / b50.jsonGzip)} | ${int(b200[k])} | ${ratio(b200[k] / b200.jsonGzip)} |`;
  const tp = (env, res, op) => {
    const cell = (n, codec) => { const s = res[`${n}:${codec}:${op}`]; return `${int(s.median)} (${pct(s)})`; };
    const r = (n) => {
      const a = res[`${n}:pagepace:${op}`];
      const b = res[`${n}:json:${op}`];
      const p = pairedRatios(a, b);
      return `**${ratio(a.median / b.median)}** (rounds ${p.p25.toFixed(2)}–${p.p75.toFixed(2)})`;
    };
    const json = op === 'encode' ? 'JSON.stringify + TextEncoder' : 'TextDecoder + JSON.parse';
    const pp = op === 'encode' ? 'encodeBatchSync' : 'decodeBatchSync';
    return [
      `| ${env} | ${op} | pagepace \`${pp}\` | ${cell(50, 'pagepace')} | ${cell(200, 'pagepace')} |`,
      `| ${env} | ${op} | ${json} | ${cell(50, 'json')} | ${cell(200, 'json')} |`,
      `| ${env} | ${op} | **pagepace / JSON** | ${r(50)} | ${r(200)} |`,
    ];
  };
  const rt = Object.entries(roundTrip).map(([n, bad]) => `${n} events ${bad === null ? 'ok' : `MISMATCH at \`${bad}\``}`).join(', ');
  return [
    '### Bytes',
    '',
    `The reference batches (\`reference-batch-{50,200}.json\`, read from \`${refSource[50]}\`; the repo's copy in \`src/protocol/vectors/\` is checked to be byte-identical) converted to \`Batch\` by`,
    '`src/protocol/reference.ts` (every field kept; nested attribution flattened into `attrs`). Every format below',
    'encodes that same `Batch` object. gzip is Node\'s zlib at its default level 6.',
    '',
    '| format | 50 events (B) | × JSON+gzip | 200 events (B) | × JSON+gzip |',
    '|---|---:|---:|---:|---:|',
    row('JSON', 'json'),
    row('JSON + gzip', 'jsonGzip'),
    row('msgpack (`@msgpack/msgpack`)', 'msgpack'),
    row('msgpack + gzip', 'msgpackGzip'),
    row('CBOR (`cbor-x`, standard maps)', 'cbor'),
    row('CBOR + gzip', 'cborGzip'),
    row('pagepace, plain', 'pagepace'),
    row('pagepace, deflated', 'pagepaceDeflate'),
    row('**pagepace wire** (`encodeBatch`, `deflate: \'auto\'`), Node', 'wireNode'),
    row('**pagepace wire**, Chromium', 'wireChromium'),
    row('_for reference: original nested reference JSON_', 'referenceJson'),
    row('_original nested reference JSON + gzip_', 'referenceJsonGzip'),
    '',
    `Round trip (decode ∘ encode, within the codec's contract, and back to the reference format): ${rt}.`,
    '',
    '### Throughput (ops/s, median of rounds, ± half the min–max range)',
    '',
    '| runtime | op | codec | 50 events | 200 events |',
    '|---|---|---|---:|---:|',
    ...tp('Node', node, 'encode'),
    ...tp('Node', node, 'decode'),
    ...tp('Chromium', chromium, 'encode'),
    ...tp('Chromium', chromium, 'decode'),
    '',
    `Method: the built \`dist/protocol.js\` in both runtimes (Node imports it; Chromium loads it as an ES module from a`,
    `local static server). All eight cases are warmed up for ${timing.warmupMs} ms each, then timed in ${timing.rounds} interleaved rounds`,
    `of ${timing.roundMs} ms per case (calls in chunks of ≥ 1 ms between clock reads; ops/s = calls / elapsed). Encode inputs are`,
    'the `Batch` objects; decode inputs are the pre-encoded bytes (pagepace plain, JSON UTF-8). The ratio row is the ratio',
    'of the two medians; in brackets, the middle half (25th–75th percentile) of the per-round ratios (pagepace and JSON timed back to back in each round).',
    '',
    '### Main thread: handing a 50-event batch to the encoding worker (Chromium)',
    '',
    '| measure | median | p95 | min | max | n |',
    '|---|---:|---:|---:|---:|---:|',
    `| synchronous part of \`remote.encode(batch)\` | ${ms(worker.sync.median)} | ${ms(worker.sync.p95)} | ${ms(worker.sync.min)} | ${ms(worker.sync.max)} | ${worker.sync.n} |`,
    `| floor: plain \`postMessage(batch)\` to a worker that ignores it (the structured clone alone) | ${ms(worker.floor.median)} | ${ms(worker.floor.p95)} | ${ms(worker.floor.min)} | ${ms(worker.floor.max)} | ${worker.floor.n} |`,
    `| full round trip (bytes back on the page) | ${ms(worker.roundTrip.median)} | ${ms(worker.roundTrip.p95)} | ${ms(worker.roundTrip.min)} | ${ms(worker.roundTrip.max)} | ${worker.roundTrip.n} |`,
    '',
    `First call including worker start-up: ${ms(worker.firstCallMs)}. Cross-check without per-call clock reads: ${worker.burst} calls`,
    `issued back to back cost ${ms(worker.burstMeanMs)} each on average. Bytes returned: ${int(worker.bytes)} B.`,
    `Method: \`startRemote('${workerOpts.url}')\` from \`dist/pagepace.remote.js\`, ${workerOpts.warmup} warm-up calls, then ${worker.sync.n} sequential`,
    'calls (each awaited); the synchronous part runs from the call until it returns its promise (comlink proxy, structured',
    `clone, postMessage). The page is cross-origin isolated (crossOriginIsolated = ${worker.crossOriginIsolated}), so`,
    `\`performance.now()\` resolves ${worker.crossOriginIsolated ? '5 µs' : '100 µs (coarse: read the burst figure)'}.`,
    '',
    '### Goals (issue 3)',
    '',
    ...goals.map((x) => `- **${verdict(x.pass)}** ${x.goal}: ${x.figure}`),
    '',
    'Wire bytes are the larger of Node\'s and Chromium\'s `encodeBatch` output; ratios are against JSON+gzip of the same `Batch`.',
  ].join('\n');
}
