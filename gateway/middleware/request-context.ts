/**
 * The front middleware, first on every request: request id, child logger, services, the answer's
 * header bag (security headers, request id, CORS), CORS preflights, request metrics and one
 * access-log line. These steps used to be five Hono middlewares; as one they cost one dispatch,
 * and the headers they contribute are collected in a plain object that the answer is built from
 * (`../http.ts` explains why that matters to @hono/node-server).
 *
 * Order inside, as before: request context → metrics (around everything else, so refused
 * requests are counted too) → security headers → CORS (`/api/*` only) → the rest of the app.
 *
 * The inbound `X-Request-Id` is trusted only when it is at most 128 characters of
 * `[A-Za-z0-9._:-]` (Hono's request-id rule); otherwise a fresh UUID is used.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../infra/logger.js';
import type { GatewayEnv } from '../env.js';
import { applyHeaderBag, requestHeader } from '../http.js';
import type { GatewayMetrics } from '../metrics.js';
import type { GatewayServices } from '../services.js';
import { CORS_PATH, isCorsPath, type CorsPolicy } from './cors.js';
import { newHeaderBag } from './security-headers.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

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
}

/** The first middleware of the gateway (see the module comment). */
export function requestContext(o: RequestContextOptions): MiddlewareHandler<GatewayEnv> {
  const root = o.log;
  const record = o.metrics.recordRequest;
  // The access line holds only the fields below, none of them secret; it goes through the same
  // redacting formatter (infra/logger.ts) as every other line, which costs a walk of its few keys.
  const accessLog = root;
  return async function requestContext(c, next) {
    const started = performance.now();
    const inbound = requestHeader(c, 'x-request-id');
    const requestId = inbound && SAFE_ID.test(inbound) ? inbound : randomUUID();
    const log = lazyChild(root, requestId);
    const headers = newHeaderBag(requestId);
    c.set('requestId', requestId);
    c.set('log', log);
    c.set('services', o.services);
    c.set('headers', headers);

    const method = c.req.method;
    let preflight = false;
    if (isCorsPath(c.req.path)) {
      const origin = requestHeader(c, 'origin');
      if (method === 'OPTIONS') {
        preflight = true;
        o.cors.preflight(headers, origin, requestHeader(c, 'access-control-request-headers'));
        c.res = new Response(null, { status: 204, headers });
        c.set('reply', c.res);
      } else o.cors.apply(headers, origin);
    }
    if (!preflight) await next();

    let res = c.res;
    if (res !== c.get('reply')) {
      try {
        applyHeaderBag(res, headers);
      } catch {
        // An answer with immutable headers (e.g. a fetched Response passed through): copy it.
        res = c.res = new Response(res.body, res);
        applyHeaderBag(res, headers);
      }
    }
    const status = res.status;
    const route = preflight ? CORS_PATH : c.req.routePath || 'unmatched';
    const ms = performance.now() - started;
    record(method, route, status, ms / 1000);
    if (!accessLog.isLevelEnabled('info')) return;
    const principal = c.get('principal');
    accessLog.info(
      {
        requestId,
        method,
        route,
        path: c.req.path,
        status,
        ms: Math.round(ms * 100) / 100,
        ...(principal ? { actor: principal.kind === 'user' ? principal.userId : principal.terminalId } : {}),
      },
      'request',
    );
  };
}
