/**
 * The root app's router: Hono's default (SmartRouter: RegExpRouter when the route table allows
 * it, else TrieRouter) behind a bounded cache of match results by method and path.
 *
 * The gateway's route table cannot use RegExpRouter (`/terminals/current/lock` beside
 * `/terminals/{id}/unlock` is ambiguous to it), so Hono falls back to TrieRouter, which splits
 * the path, walks the tree and sorts the handler sets on every request: 7% of the CPU of
 * `GET /users/:id` in process. A match result depends only on method and path, and Hono only
 * reads it (handlers and the params object), so one result can serve every request for the same
 * path. At most {@link MATCH_CACHE_ENTRIES} paths of at most {@link MATCH_CACHE_MAX_PATH}
 * characters are kept (least recently used first out); longer paths are matched uncached.
 * @module
 */
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';
import type { Result, Router } from 'hono/router';
import { LRUCache } from 'lru-cache';

/** Paths whose match results are kept. */
export const MATCH_CACHE_ENTRIES = 4096;
/** Longest path cached, characters. */
export const MATCH_CACHE_MAX_PATH = 256;

export class CachedRouter<T> implements Router<T> {
  name = 'CachedRouter';
  readonly #inner: Router<T>;
  readonly #cache = new LRUCache<string, Result<T>>({ max: MATCH_CACHE_ENTRIES });

  /** @param inner the router that matches; default Hono's own default. */
  constructor(inner: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter(), new TrieRouter()] })) {
    this.#inner = inner;
  }

  add(method: string, path: string, handler: T): void {
    this.#cache.clear();
    this.#inner.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    if (path.length > MATCH_CACHE_MAX_PATH) return this.#inner.match(method, path);
    const key = `${method} ${path}`;
    let result = this.#cache.get(key);
    if (!result) this.#cache.set(key, (result = this.#inner.match(method, path)));
    return result;
  }
}
