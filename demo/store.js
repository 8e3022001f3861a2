import { appendFile } from 'node:fs/promises';

/** Events the dashboard's feed shows: a new subscriber gets the batches that fill it, no more. */
const FEED_EVENTS = 200;
/**
 * Bytes a subscriber may leave unread before it is disconnected: a tab that never reads (frozen,
 * or a client that only connects) would otherwise hold every batch in the server's memory. Its
 * EventSource reconnects and starts again from a fresh summary.
 */
export const MAX_UNREAD = 1 << 20;
/** Live-feed subscribers at once. */
export const MAX_SUBSCRIBERS = 64;

/**
 * Keeps received batches in memory (bounded), optionally appends them to an NDJSON file, and
 * pushes each one to live-feed subscribers (Server-Sent Events).
 * @param {{ maxBatches?: number, ndjson?: string }} [opts]
 */
export function createStore(opts = {}) {
  const maxBatches = opts.maxBatches ?? 5000;
  /** @type {Array<{ batch: import('../src/core/types').Batch, meta: Record<string, unknown> }>} */
  let batches = [];
  /** @type {Set<import('node:http').ServerResponse>} */
  const clients = new Set();
  let dropped = 0;
  let slow = 0;
  /** Writes to every subscriber; drops those that leave more than MAX_UNREAD bytes unread. */
  const broadcast = (line) => {
    for (const c of clients) {
      if (c.writableLength + line.length > MAX_UNREAD) {
        slow++;
        clients.delete(c);
        c.destroy();
      } else c.write(line);
    }
  };
  let dirty = false;
  /** @type {(() => unknown) | undefined} */
  let snapshotOf;
  // Summaries go out at most once a second, however fast batches arrive: the dashboard stays responsive.
  const ticker = setInterval(() => {
    if (!dirty || !snapshotOf || !clients.size) return;
    dirty = false;
    broadcast(`event: summary\ndata: ${JSON.stringify(snapshotOf())}\n\n`);
  }, 1000);
  ticker.unref();

  return {
    /** @param {import('../src/core/types').Batch} batch @param {Record<string, unknown>} meta */
    add(batch, meta) {
      const entry = { batch, meta: { contentType: meta.contentType, bytes: meta.bytes, receivedAt: meta.receivedAt } };
      batches.push(entry);
      if (batches.length > maxBatches) {
        batches = batches.slice(-maxBatches);
        dropped++;
      }
      dirty = true;
      if (clients.size) broadcast(`data: ${JSON.stringify(entry)}\n\n`);
      if (opts.ndjson) return appendFile(opts.ndjson, JSON.stringify(entry) + '\n');
    },
    list: () => batches,
    reset() {
      batches = [];
    },
    stats: () => ({ batches: batches.length, dropped, clients: clients.size, slow }),
    /**
     * Starts an SSE stream: the field summary, the latest batches (enough for the feed's 200
     * events, at most 100 batches), then each batch as it arrives and a fresh summary at most
     * once a second.
     * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
     * @param {() => unknown} [snapshot]
     */
    subscribe(req, res, snapshot) {
      snapshotOf ??= snapshot;
      if (clients.size >= MAX_SUBSCRIBERS) return res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '5' }).end('too many live-feed subscribers');
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      res.write(`retry: 1000\n\n`);
      if (snapshot) res.write(`event: summary\ndata: ${JSON.stringify(snapshot())}\n\n`);
      let from = batches.length;
      for (let events = 0; from > 0 && from > batches.length - 100 && events < FEED_EVENTS; ) events += batches[--from].batch.events.length;
      for (const entry of batches.slice(from)) res.write(`data: ${JSON.stringify(entry)}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    },
    close() {
      clearInterval(ticker);
      for (const c of clients) c.end();
      clients.clear();
    },
  };
}
