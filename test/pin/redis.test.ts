import { describe, expect, it } from 'vitest';
import { createRedis, keyspace, whenReady } from '../../infra/redis.js';
import { REDIS_SERVER_URL } from '../support/redis.js';
import { isAppError } from '../../core/errors.js';

const code = (e: unknown) => (isAppError(e) ? e.code : e);

describe('createRedis', () => {
  it('refuses a URL that is not redis: or rediss:', () => {
    expect(() => createRedis('http://127.0.0.1:6379')).toThrow(/redis/);
    expect(() => createRedis('not a url')).toThrow();
  });

  it('connects to a live server, and rejects with DEPENDENCY_UNAVAILABLE once closed', async () => {
    const redis = createRedis(REDIS_SERVER_URL);
    await whenReady(redis);
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
    await new Promise((r) => setTimeout(r, 20));
    expect(code(await whenReady(redis).catch((e: unknown) => e))).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it('fails fast for a server that is down, without queueing commands', async () => {
    const redis = createRedis('redis://127.0.0.1:6390');
    try {
      const started = Date.now();
      expect(code(await whenReady(redis, 5000).catch((e: unknown) => e))).toBe('DEPENDENCY_UNAVAILABLE');
      await expect(redis.get('x')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      redis.disconnect();
    }
  });
});

describe('keyspace', () => {
  it('joins parts under the prefix and refuses empty parts', () => {
    const k = keyspace('tg:');
    expect(k('lockout', 'pin:staff:1', 's')).toBe('tg:lockout:pin:staff:1:s');
    expect(() => k()).toThrow();
    expect(() => k('a', '')).toThrow();
  });
});
