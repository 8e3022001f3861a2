import { randomBytes } from 'node:crypto';
import { fail } from '../core/errors';
import type { ClaimOutcome, ClaimStore } from './dedupe';

/**
 * The part of a node-redis client (`redis` package, major 6) the Redis store
 * uses. A client from `createClient()` fits once connected; nothing here
 * imports `redis`, so the collector loads without it.
 */
export interface RedisDedupeClient {
  /** node-redis: `true` while connected. When `false` the store fails at once instead of queueing. */
  readonly isReady?: boolean;
  /** `SET key value [PX ms] [NX] [GET]`. */
  set(key: string, value: string, options: { expiration: { type: 'PX'; value: number }; condition?: 'NX'; GET?: true }): Promise<unknown>;
  /** `EVAL script numkeys key... arg...`. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Options of {@link createRedisDedupe}. */
export interface RedisDedupeOptions {
  /**
   * How long a delivered batch is remembered, in ms. Default 7 days: the
   * browser's outbox drops batches older than that, so no retry comes later.
   * Each key costs Redis about 200 bytes (README, "Dropping repeats"): a
   * shorter TTL saves memory, and a repeat arriving after it (typically the
   * unload journal's copy, replayed when the visitor comes back) is
   * delivered twice.
   */
  ttlMs?: number;
  /**
   * How long a claim holds before `onBatch` has resolved, in ms. Default
   * 60,000. If the process dies mid-delivery, the browser's retry is answered
   * 503 until then, and delivered after. Keep it above your slowest
   * `onBatch`: past it another instance may deliver the same batch.
   */
  leaseMs?: number;
  /**
   * Longest wait for Redis per command, in ms; past it the collector answers
   * 503 (the browser retries). Default 1,000. A claim that lands after its
   * timeout is released as soon as its reply arrives.
   */
  timeoutMs?: number;
  /** Prefix of every key. Default `pagepace:batch:`. */
  prefix?: string;
}

/** Default retention of a delivered batch key: the outbox's maximum age (`DEFAULT_OUTBOX_LIMITS.maxAgeMs`). */
export const DEFAULT_REDIS_TTL_MS = 7 * 24 * 3600_000;
/** Default lease of an unconfirmed claim. */
export const DEFAULT_REDIS_LEASE_MS = 60_000;
/** Default wait for one Redis command. */
export const DEFAULT_REDIS_TIMEOUT_MS = 1_000;

/** The stored value of a delivered key; a claim in progress stores its token, which starts with `p`. */
const DELIVERED = 'd';

/** Deletes the key only if it still holds our token: never another instance's claim, never a delivered key. */
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

const OPTION_KEYS = new Set(['ttlMs', 'leaseMs', 'timeoutMs', 'prefix']);
const MAX_MS = 2 ** 47; // Redis keeps PX as a 64-bit integer; this is 4,000 years and still exact in a double.

function positiveMs(field: string, value: unknown): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_MS)) fail(field, value, 'a positive integer number of milliseconds');
}

function checkOptions(client: RedisDedupeClient, options: RedisDedupeOptions): void {
  if (typeof client !== 'object' || client === null || typeof client.set !== 'function' || typeof client.eval !== 'function') {
    fail('createRedisDedupe(client)', client, 'a connected client of the redis package (createClient() then await client.connect())');
  }
  if (typeof options !== 'object' || options === null) fail('createRedisDedupe options', options, 'an object such as { ttlMs }');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) fail(`createRedisDedupe ${key}`, (options as Record<string, unknown>)[key], `one of the known options (${[...OPTION_KEYS].join(', ')})`);
  }
  positiveMs('createRedisDedupe ttlMs', options.ttlMs);
  positiveMs('createRedisDedupe leaseMs', options.leaseMs);
  positiveMs('createRedisDedupe timeoutMs', options.timeoutMs);
  if ((options.leaseMs ?? DEFAULT_REDIS_LEASE_MS) > (options.ttlMs ?? DEFAULT_REDIS_TTL_MS)) fail('createRedisDedupe leaseMs', options.leaseMs, `at most ttlMs (${options.ttlMs ?? DEFAULT_REDIS_TTL_MS})`);
  if (options.prefix !== undefined && typeof options.prefix !== 'string') fail('createRedisDedupe prefix', options.prefix, 'a string');
}

/** Rejects when `promise` takes longer than `ms`; the command itself cannot be withdrawn. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`pagepace: Redis did not answer ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * A {@link ClaimStore} in Redis, shared by every collector process that uses
 * the same server: a batch is delivered once however many instances receive it.
 *
 * Per new batch two commands: `SET key token NX PX leaseMs GET` (the atomic
 * claim, whose reply also says what held the key) and, once `onBatch`
 * resolved, `SET key d PX ttlMs`. A duplicate costs the first only; a failed
 * `onBatch` a compare-and-delete script. Needs Redis (or Valkey) 7.0 or later
 * for `SET … NX GET`. With Redis Cluster each key is one slot: nothing to configure.
 *
 * The client's errors are yours to listen to (`client.on('error', …)`, which
 * node-redis requires); while it is disconnected the collector answers 503.
 *
 * @param client - a connected node-redis v6 client (`await createClient({ url }).connect()`).
 * @example
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: process.env.REDIS_URL }).on('error', console.error).connect();
 * const collect = createCollector({ onBatch, dedupe: createRedisDedupe(redis) });
 * @throws PagePaceError when the client or an option is wrong.
 */
export function createRedisDedupe(client: RedisDedupeClient, options: RedisDedupeOptions = {}): ClaimStore {
  checkOptions(client, options);
  const ttlMs = options.ttlMs ?? DEFAULT_REDIS_TTL_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_REDIS_LEASE_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const prefix = options.prefix ?? 'pagepace:batch:';
  // Tokens tell this store's claims from other instances': a release must only ever drop its own.
  const instance = `p${randomBytes(6).toString('base64url')}:`;
  let serial = 0;
  const tokens = new Map<string, string>();

  const ready = (what: string): void => {
    // node-redis queues commands while offline: a browser is better served by a 503 now.
    if (client.isReady === false) throw new Error(`pagepace: Redis is not connected; cannot ${what}`);
  };
  const release = (key: string, token: string): Promise<unknown> => client.eval(RELEASE, { keys: [prefix + key], arguments: [token] });

  return {
    async claim(key) {
      ready('claim a batch');
      const token = instance + (serial++).toString(36);
      const reply = client.set(prefix + key, token, { expiration: { type: 'PX', value: leaseMs }, condition: 'NX', GET: true });
      let held: unknown;
      try {
        held = await within(reply, timeoutMs, 'the claim');
      } catch (error) {
        // If the claim still lands, nobody will deliver it: give it back rather than block retries for leaseMs.
        reply.then((late) => (late === null ? release(key, token) : undefined)).catch(() => {});
        throw error;
      }
      if (held === null) {
        tokens.set(key, token);
        return 'claimed';
      }
      return (held === DELIVERED ? 'delivered' : 'in-flight') satisfies ClaimOutcome;
    },
    async confirm(key) {
      tokens.delete(key);
      ready('record a delivered batch');
      await within(client.set(prefix + key, DELIVERED, { expiration: { type: 'PX', value: ttlMs } }), timeoutMs, 'the confirmation');
    },
    async release(key) {
      const token = tokens.get(key);
      tokens.delete(key);
      if (token === undefined) return;
      ready('release a claim');
      await within(release(key, token), timeoutMs, 'the release');
    },
  };
}
