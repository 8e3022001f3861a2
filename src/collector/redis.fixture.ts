/**
 * One collector process for redis.test.ts (bundled by esbuild, run with
 * `child_process.fork`): a real `createCollector` on 127.0.0.1 with the Redis
 * store, telling the test over IPC about every batch that reaches `onBatch`
 * before it resolves, so the test's count is the delivery count.
 * Exits on 'stop', when the test goes away, or after two minutes at most.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { createCollector } from './handler';
import { createRedisDedupe } from './redisDedupe';
import { shutdown } from './shutdown';

const send = (message: unknown): Promise<void> =>
  new Promise((resolve, reject) => process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve())));

async function main(): Promise<void> {
  const name = process.env.PAGEPACE_INSTANCE ?? 'collector';
  // Reconnect quickly: the test stops and restarts Redis and measures the recovery.
  const redis = createClient({ url: process.env.PAGEPACE_REDIS_URL, socket: { reconnectStrategy: () => 50 } });
  redis.on('error', () => {}); // node-redis requires a listener; outages are the test's subject.
  await redis.connect();
  const collect = createCollector({
    onBatch: (batch) => send({ delivered: `${batch.sessionId}/${batch.batchId}`, by: name }),
    dedupe: createRedisDedupe(redis, { leaseMs: Number(process.env.PAGEPACE_LEASE_MS ?? 5_000), timeoutMs: Number(process.env.PAGEPACE_TIMEOUT_MS ?? 300) }),
    onError: () => {},
  });
  const server = createServer(collect);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = async (): Promise<void> => {
    await shutdown(server, collect, { timeoutMs: 2_000 });
    await send({ stats: collect.stats() }).catch(() => {});
    redis.destroy();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => process.exit(1), 120_000).unref();
  await send({ port: (server.address() as AddressInfo).port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
