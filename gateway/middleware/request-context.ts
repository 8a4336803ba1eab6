/**
 * The front door: the first and last step of every request, answered or refused. Before the
 * route: request id, child logger, services, the answer's header bag (security headers, request
 * id, CORS), CORS preflights, the body size limit. After it: the bag onto answers built some other
 * way, request metrics and one access-log line. Errors thrown by the route become the error
 * envelope here (`errors.ts`), so refusals carry the same headers and are counted the same way.
 *
 * It is not a Hono middleware. The gateway's router (`../openapi.ts`) runs each route inside it as
 * one handler, so a cached authenticated read is a single synchronous call from
 * @hono/node-server's request to the answer: no middleware composition, no promise (Hono composes
 * and awaits as soon as two handlers match a request, which cost a third of the throughput of
 * `GET /users/:id`). Paths that match no route (404s, preflights) go through it from the
 * not-found handler; the docs and the OpenAPI document are wrapped explicitly (`../app.ts`).
 *
 * The inbound `X-Request-Id` is trusted only when it is at most 128 characters of
 * `[A-Za-z0-9._:-]` (Hono's request-id rule); otherwise a fresh UUID is used.
 * The body limit (`BODY_LIMIT_BYTES`, 413 PAYLOAD_TOO_LARGE) applies to POST, PUT, PATCH, DELETE
 * and QUERY under `/api/`: a declared `Content-Length` is checked without touching the body (Hono's
 * `bodyLimit` reads `c.req.raw.body`, which makes @hono/node-server build a web stream over the
 * request, and a request then refused unread could no longer be drained, so its kept-alive
 * connection was reset: test/gateway/bad-input-regressions.test.ts); a body without a declared
 * length (chunked) is counted by Hono's `bodyLimit` as it is read.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { GatewayEnv } from '../env.js';
import { applyHeaderBag, requestHeader } from '../http.js';
import type { GatewayMetrics } from '../metrics.js';
import type { GatewayServices } from '../services.js';
import { CORS_PATH, isCorsPath, type CorsPolicy } from './cors.js';
import { STRICT_TRANSPORT_SECURITY, newHeaderBag } from './security-headers.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The methods whose requests go through the body size limit (every method but GET, HEAD and OPTIONS). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'QUERY']);

/** The target of a request's logger proxy: the child is made on first use. */
interface LazyLogger {
  root: Logger;
  requestId: string;
  child: Logger | undefined;
}
// One handler for every request (no closure per request).
const childOf = (t: LazyLogger): Logger => (t.child ??= t.root.child({ requestId: t.requestId }));
const LAZY_CHILD: ProxyHandler<LazyLogger> = {
  get: (t, prop) => Reflect.get(childOf(t), prop),
  set: (t, prop, value) => Reflect.set(childOf(t), prop, value),
  has: (t, prop) => Reflect.has(childOf(t), prop),
};

/**
 * `root.child({ requestId })`, built on first use: most requests log one line at the end, and a
 * pino child per request (bindings serialized and redacted) showed in the gateway's profile.
 */
function lazyChild(root: Logger, requestId: string): Logger {
  return new Proxy<LazyLogger>({ root, requestId, child: undefined }, LAZY_CHILD) as unknown as Logger;
}

export interface RequestContextOptions {
  /** The process's root logger; each request gets `root.child({ requestId })` on first use. */
  log: Logger;
  metrics: GatewayMetrics;
  /** Exposed to every request as `c.var.services`. */
  services: GatewayServices | undefined;
  /** CORS for `/api/*` (`cors.ts`). */
  cors: CorsPolicy;
  /** Largest request body accepted, bytes (config `BODY_LIMIT_BYTES`). */
  bodyLimitBytes: number;
  /** Turns anything a route throws into the error envelope (`errors.ts`). */
  onError: (err: unknown, c: Context<GatewayEnv>) => Response;
}

/** What a route does inside the front door: its answer, now or later. */
export type RouteWork = (c: Context<GatewayEnv>, next: Next) => Response | Promise<Response>;

export interface FrontDoor {
  /**
   * Runs `work(c, next)` as one request inside the front door (see the module comment) and
   * returns its answer with every bag header, synchronously when `work` answers synchronously.
   * Never throws: a thrown or rejected error is answered with the envelope.
   * @param route the metrics and access-log label: the route's path pattern (e.g.
   *   `/api/v1/users/:id`), `unmatched` for the 404 of a path no route matches; by default Hono's
   *   `routePath` of the matched route.
   */
  run(c: Context<GatewayEnv>, work: RouteWork, next: Next, route?: string): Response | Promise<Response>;
}

/** Builds the gateway's front door (see the module comment). */
export function requestContext(o: RequestContextOptions): FrontDoor {
  const root = o.log;
  const record = o.metrics.recordRequest;
  const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `The request body exceeds ${o.bodyLimitBytes} bytes.`);
  const limitStream = bodyLimit({
    maxSize: o.bodyLimitBytes,
    onError: () => {
      throw tooLarge();
    },
  });

  /** The route's work behind the body limit: a declared length checked at once, a chunked body counted as it is read. */
  function limited(c: Context<GatewayEnv>, work: RouteWork, next: Next): Response | Promise<Response> {
    if (!BODY_METHODS.has(c.req.method) || !c.req.path.startsWith('/api/')) return work(c, next);
    const length = requestHeader(c, 'content-length');
    if (length === undefined || requestHeader(c, 'transfer-encoding') !== undefined) {
      let answer: Response | undefined;
      return Promise.resolve(
        limitStream(c, async () => {
          answer = await work(c, next);
        }),
      ).then(() => answer ?? c.res);
    }
    if (Number.parseInt(length, 10) > o.bodyLimitBytes) throw tooLarge();
    return work(c, next);
  }

  function finish(c: Context<GatewayEnv>, res: Response, started: number, route: string | undefined): Response {
    if (res !== c.get('reply')) {
      const bag = c.get('headers')!;
      try {
        applyHeaderBag(res, bag);
      } catch {
        // An answer with immutable headers (e.g. a fetched Response passed through): copy it.
        res = new Response(res.body, res);
        applyHeaderBag(res, bag);
      }
    }
    const method = c.req.method;
    const status = res.status;
    const pattern = route ?? (c.req.routePath || 'unmatched');
    const ms = performance.now() - started;
    record(method, pattern, status, ms / 1000);
    if (root.isLevelEnabled('info')) {
      // The access line holds only these fields, none of them secret; it goes through the same
      // redacting formatter (infra/logger.ts) as every other line.
      const principal = c.get('principal');
      root.info(
        {
          requestId: c.get('requestId'),
          method,
          route: pattern,
          path: c.req.path,
          status,
          ms: Math.round(ms * 100) / 100,
          ...(principal ? { actor: principal.kind === 'user' ? principal.userId : principal.terminalId } : {}),
        },
        'request',
      );
    }
    return res;
  }

  return {
    run(c, work, next, route) {
      const started = performance.now();
      const inbound = requestHeader(c, 'x-request-id');
      const requestId = inbound && SAFE_ID.test(inbound) ? inbound : randomUUID();
      const headers = newHeaderBag(requestId);
      if (c.req.url.startsWith('https:') || requestHeader(c, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https') {
        headers[STRICT_TRANSPORT_SECURITY[0]] = STRICT_TRANSPORT_SECURITY[1];
      }
      c.set('requestId', requestId);
      c.set('log', lazyChild(root, requestId));
      c.set('services', o.services);
      c.set('headers', headers);

      if (isCorsPath(c.req.path)) {
        const origin = requestHeader(c, 'origin');
        if (c.req.method === 'OPTIONS') {
          o.cors.preflight(headers, origin, requestHeader(c, 'access-control-request-headers'));
          const res = new Response(null, { status: 204, headers });
          c.set('reply', res);
          return finish(c, res, started, CORS_PATH);
        }
        o.cors.apply(headers, origin);
      }
      let answer: Response | Promise<Response>;
      try {
        answer = limited(c, work, next);
      } catch (e) {
        answer = o.onError(e, c);
      }
      if (answer instanceof Promise) {
        return answer.then(
          (res) => finish(c, res, started, route),
          (e: unknown) => finish(c, o.onError(e, c), started, route),
        );
      }
      return finish(c, answer, started, route);
    },
  };
}
