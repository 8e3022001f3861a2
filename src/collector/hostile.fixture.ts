/**
 * One default collector process for hostile.test.ts (bundled by esbuild, run
 * with `child_process.fork` and a 256 MB heap): `createCollector` with its
 * defaults on 127.0.0.1, reporting each delivered batch and, on 'heap', its
 * heap figures over IPC. Exits on 'stop', when the test goes away, or after
 * two minutes at most.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getHeapStatistics } from 'node:v8';
import { createCollector } from './handler';

const collect = createCollector({
  onBatch: (batch) => void process.send?.({ delivered: batch.batchId }),
  onError: () => {},
});
const server = createServer(collect);
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (message) => {
  if (message === 'heap') {
    const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
    process.send?.({ heap: { used, limit, rss: process.memoryUsage().rss } });
  }
  if (message === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(1), 120_000).unref();
