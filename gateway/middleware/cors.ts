/**
 * CORS for `/api/*`: the behaviour of Hono's `cors()` middleware (hono/cors, Hono 4.13) for an
 * origin list, written into the request's header bag (`../http.ts`) instead of onto `c.res`.
 * Hono's version sets headers on `c.res` before the handler runs and appends `Vary` after it, and
 * either makes @hono/node-server build a full web Response (with a stream body) on every request;
 * `cors.test.ts` checks that both give the same headers and preflight answers.
 *
 * - every request: `Access-Control-Allow-Origin: <origin>` when the `Origin` header is one of the
 *   configured origins, `Access-Control-Expose-Headers`, and `Vary: Origin`. With no origins
 *   configured (the default) ordinary answers carry none of these: no browser origin may read
 *   them and they never vary by `Origin`, so the headers would only cost bytes on every answer
 *   (Fetch standard, CORS protocol: `Access-Control-Expose-Headers` is read only on a response
 *   that grants the origin);
 * - `OPTIONS` (preflight): also `Access-Control-Max-Age`, `Access-Control-Allow-Methods` (Hono's
 *   default list), `Access-Control-Allow-Headers` (the configured list, else the requested ones)
 *   and `Vary: Origin, Access-Control-Request-Headers`,
 *   answered 204 at once without reaching rate limits or routes.
 * @module
 */
import type { HeaderBag } from '../http.js';

export interface CorsOptions {
  /** Exact origins allowed to read answers (`CORS_ORIGINS`). */
  origins: readonly string[];
  /** Request headers a browser may send (preflight `Access-Control-Allow-Headers`). */
  allowHeaders: readonly string[];
  /** Response headers a browser script may read. */
  exposeHeaders: readonly string[];
  /** How long a browser may cache a preflight answer, seconds. */
  maxAgeSeconds: number;
}

/** Hono's default `allowMethods`. */
export const CORS_ALLOW_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'QUERY'] as const;

/** The path pattern CORS applies to (and the metrics route label of a preflight answer). */
export const CORS_PATH = '/api/*';

/** True for the paths {@link CORS_PATH} matches in Hono (`/api` itself and everything below `/api/`). */
export function isCorsPath(path: string): boolean {
  return path.startsWith('/api/') || path === '/api';
}

export interface CorsPolicy {
  /** Adds the headers of an ordinary (non-preflight) request. `origin`: the request's `Origin`. */
  apply(headers: HeaderBag, origin: string | undefined): void;
  /**
   * Adds the headers of a preflight answer (status 204, no body). `requestHeaders`: the request's
   * `Access-Control-Request-Headers`, echoed only when no `allowHeaders` are configured.
   */
  preflight(headers: HeaderBag, origin: string | undefined, requestHeaders: string | undefined): void;
}

export function corsPolicy(options: CorsOptions): CorsPolicy {
  const allowed = new Set(options.origins);
  const expose = options.exposeHeaders.length ? options.exposeHeaders.join(',') : undefined;
  const allowHeaders = options.allowHeaders.length ? options.allowHeaders.join(',') : undefined;
  const methods = CORS_ALLOW_METHODS.join(',');
  const maxAge = String(options.maxAgeSeconds);
  const common = (headers: HeaderBag, origin: string | undefined) => {
    if (origin && allowed.has(origin)) headers['Access-Control-Allow-Origin'] = origin;
    if (expose) headers['Access-Control-Expose-Headers'] = expose;
  };
  return {
    apply(headers, origin) {
      if (allowed.size === 0) return;
      common(headers, origin);
      headers.Vary = 'Origin';
    },
    preflight(headers, origin, requestHeaders) {
      common(headers, origin);
      headers['Access-Control-Max-Age'] = maxAge;
      headers['Access-Control-Allow-Methods'] = methods;
      const allow = allowHeaders ?? (requestHeaders ? requestHeaders.split(',').map((h) => h.trim()).join(',') : undefined);
      if (allow) {
        headers['Access-Control-Allow-Headers'] = allow;
        headers.Vary = 'Origin, Access-Control-Request-Headers';
      } else headers.Vary = 'Origin';
    },
  };
}
