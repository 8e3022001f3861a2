import { ProtocolError } from './errors';

/** Whether this runtime has the Compression Streams API. */
export function canDeflate(): boolean {
  return typeof CompressionStream === 'function' && typeof DecompressionStream === 'function';
}

/** Raw-DEFLATE compresses `data` with `CompressionStream('deflate-raw')`. */
export async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream('deflate-raw');
  const writer = cs.writable.getWriter();
  // Not awaited before reading: with backpressure the write only settles once
  // the readable side is drained.
  const done = writer.write(data as Uint8Array<ArrayBuffer>).then(() => writer.close());
  const out = await collect(cs.readable.getReader(), Infinity, 0);
  await done;
  return out;
}

/**
 * Inflates raw DEFLATE, stopping as soon as the output would exceed `cap` bytes
 * (a zip bomb costs at most `cap` bytes of memory). Corrupt or truncated input
 * rejects with a ProtocolError at `base`.
 */
export async function inflateRaw(data: Uint8Array, cap: number, base: number): Promise<Uint8Array> {
  let ds: DecompressionStream;
  try {
    ds = new DecompressionStream('deflate-raw');
  } catch {
    throw new ProtocolError(base, 'this runtime cannot inflate (no DecompressionStream)');
  }
  const writer = ds.writable.getWriter();
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  return collect(ds.readable.getReader(), cap, base);
}

async function collect(reader: ReadableStreamDefaultReader<Uint8Array>, cap: number, base: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (e) {
      throw new ProtocolError(base, `corrupt deflate data (${e instanceof Error ? e.message : String(e)})`);
    }
    if (step.done) break;
    total += step.value.length;
    if (total > cap) {
      reader.cancel().catch(() => {});
      throw new ProtocolError(base, `inflated payload exceeds the limit of ${cap} bytes`);
    }
    chunks.push(step.value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
