/**
 * A unique key prefix per test file on the real Redis server (never mocked).
 * `REDIS_TEST_URL` overrides the server (default `redis://127.0.0.1:6379`).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_SERVER_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  url: string;
  /** `tg_test:<random>:`; every key the code under test writes must start with it. */
  prefix: string;
  redis: Redis;
  /** Deletes every key under the prefix and disconnects. */
  cleanup(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `tg_test:${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_SERVER_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  return {
    url: REDIS_SERVER_URL,
    prefix,
    redis,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
