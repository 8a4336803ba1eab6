import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { CachedRouter, MATCH_CACHE_ENTRIES, MATCH_CACHE_MAX_PATH } from './router.js';

function routes<T extends { add(m: string, p: string, h: string): void }>(r: T): T {
  r.add('ALL', '*', 'front');
  r.add('ALL', '/api/*', 'api');
  r.add('GET', '/api/v1/users/:id', 'user');
  r.add('GET', '/api/v1/users/export', 'export');
  r.add('POST', '/api/v1/terminals/current/lock', 'lock');
  r.add('POST', '/api/v1/terminals/:id/unlock', 'unlock');
  return r;
}

/** Handler names and params of a match, comparable across routers. */
const shape = (m: ReturnType<CachedRouter<string>['match']>) => m[0].map(([h, p]) => [h, { ...p }]);

describe('cached router', () => {
  const paths: [string, string][] = [
    ['GET', '/api/v1/users/u1'],
    ['GET', '/api/v1/users/u2'],
    ['GET', '/api/v1/users/export'],
    ['POST', '/api/v1/terminals/current/lock'],
    ['POST', '/api/v1/terminals/t9/unlock'],
    ['GET', '/health/live'],
    ['DELETE', '/api/v1/users/u1'],
  ];

  it('matches what Hono matches, whether from the cache or not, including a route RegExpRouter refuses', () => {
    const cached = routes(new CachedRouter<string>());
    const plain = routes(new TrieRouter<string>());
    for (const round of [1, 2]) {
      for (const [method, path] of paths) expect([round, method, path, shape(cached.match(method, path))]).toEqual([round, method, path, shape(plain.match(method, path))]);
    }
    expect(shape(cached.match('GET', '/api/v1/users/u2'))).toEqual([['front', {}], ['api', {}], ['user', { id: 'u2' }]]);
  });

  it('keeps a bounded number of paths and matches long paths uncached', () => {
    const cached = routes(new CachedRouter<string>());
    for (let i = 0; i < MATCH_CACHE_ENTRIES + 50; i++) expect(shape(cached.match('GET', `/api/v1/users/u${i}`))[2]).toEqual(['user', { id: `u${i}` }]);
    const long = `/api/v1/users/${'x'.repeat(MATCH_CACHE_MAX_PATH)}`;
    expect(shape(cached.match('GET', long))[2]).toEqual(['user', { id: 'x'.repeat(MATCH_CACHE_MAX_PATH) }]);
    expect(cached.match('GET', '/api/v1/users/u1')).toBe(cached.match('GET', '/api/v1/users/u1'));
  });
});
