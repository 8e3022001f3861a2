import { describe, expect, it } from 'vitest';
import { PagePaceError } from '../core/errors';
import { DEFAULT_REDIS_TTL_MS, createRedisDedupe } from './redisDedupe';
import type { RedisDedupeClient } from './redisDedupe';

/** The commands node-redis would send, against a Map; `hold` delays replies. */
function fakeRedis() {
  const data = new Map<string, string>();
  const log: string[] = [];
  let hold: Promise<void> | undefined;
  const client: RedisDedupeClient & { isReady: boolean } = {
    isReady: true,
    async set(key, value, options) {
      await hold;
      log.push(`SET ${key} ${value.startsWith('p') ? 'token' : value} PX ${options.expiration.value}${options.condition ? ' NX' : ''}${options.GET ? ' GET' : ''}`);
      const old = data.get(key) ?? null;
      if (options.condition === 'NX' && old !== null) return old;
      data.set(key, value);
      return options.GET ? old : 'OK';
    },
    async eval(_script, { keys, arguments: args }) {
      await hold;
      log.push(`EVAL release ${keys[0]}`);
      if (data.get(keys[0]!) === args[0]) return Number(data.delete(keys[0]!));
      return 0;
    },
  };
  return { client, data, log, hold: (p: Promise<void> | undefined) => (hold = p) };
}

describe('createRedisDedupe', () => {
  it('claims with SET NX PX GET, confirms with the TTL, and tells delivered from in-flight', async () => {
    const { client, log } = fakeRedis();
    const a = createRedisDedupe(client, { leaseMs: 1000 });
    const b = createRedisDedupe(client);
    expect(await a.claim('k')).toBe('claimed');
    expect(await b.claim('k')).toBe('in-flight');
    await a.confirm('k');
    expect(await b.claim('k')).toBe('delivered');
    expect(log.slice(0, 3)).toEqual([
      'SET pagepace:batch:k token PX 1000 NX GET',
      'SET pagepace:batch:k token PX 60000 NX GET',
      `SET pagepace:batch:k d PX ${DEFAULT_REDIS_TTL_MS}`,
    ]);
  });

  it('releases only its own claim: never a delivered key nor another instance\'s claim', async () => {
    const { client, data } = fakeRedis();
    const a = createRedisDedupe(client);
    const b = createRedisDedupe(client);
    expect(await a.claim('k')).toBe('claimed');
    await b.release('k'); // b holds nothing
    expect(data.has('pagepace:batch:k')).toBe(true);
    await a.release('k');
    expect(data.has('pagepace:batch:k')).toBe(false);
  });

  it('fails at once while disconnected, and on a timeout releases the claim that lands late', async () => {
    const { client, data, hold } = fakeRedis();
    const store = createRedisDedupe(client, { timeoutMs: 20 });
    client.isReady = false;
    await expect(store.claim('k')).rejects.toThrow(/not connected/);
    client.isReady = true;
    let resume!: () => void;
    void hold(new Promise<void>((r) => (resume = r)));
    await expect(store.claim('k')).rejects.toThrow(/did not answer the claim within 20 ms/);
    void hold(undefined);
    resume();
    await new Promise((r) => setTimeout(r, 10));
    expect(data.has('pagepace:batch:k')).toBe(false);
    expect(await store.claim('k')).toBe('claimed');
  });

  it('refuses a wrong client or option with a PagePaceError naming it', () => {
    const { client } = fakeRedis();
    expect(() => createRedisDedupe({} as RedisDedupeClient)).toThrow(/createRedisDedupe\(client\) must be a connected client of the redis package/);
    expect(() => createRedisDedupe(client, { ttlMs: 0 })).toThrow(/createRedisDedupe ttlMs must be a positive integer number of milliseconds; received 0/);
    expect(() => createRedisDedupe(client, { ttlMs: 1000, leaseMs: 5000 })).toThrow(/leaseMs must be at most ttlMs/);
    expect(() => createRedisDedupe(client, { ttl: 5 } as never)).toThrow(PagePaceError);
    expect(() => createRedisDedupe(client, { prefix: 3 } as never)).toThrow(/prefix must be a string/);
  });
});
