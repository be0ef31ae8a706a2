import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** Redis of this machine and CI: REDIS_URL, else 127.0.0.1:6379. Never skipped: unreachable = a failing test. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function requireRedis(url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is unreachable at ${url} (${String(error)}). The BullMQ scheduler tests need a real Redis: ` +
        'start redis-server on 127.0.0.1:6379 or set REDIS_URL. They are never skipped.',
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
}

/** A key prefix of its own for each test run, so runs in parallel never see each other's jobs. */
export const uniquePrefix = (): string => `madoguchi-test-${randomUUID()}`;

/** Deletes every key under the prefix. */
export async function dropPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
