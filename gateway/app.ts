/**
 * The gateway app: the single place where middleware order is set (and commented) and every
 * route module is mounted. Dependencies are built once by the composition root (`main.ts` or
 * the embedded stack) and passed in; nothing here reads `process.env`.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../core/errors.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../infra/logger.js';
import type { GatewayEnv } from './env.js';
import { requestHeader } from './http.js';
import type { GatewayServices } from './services.js';
import type { GatewayMetrics } from './metrics.js';
import { corsPolicy } from './middleware/cors.js';
import { notFound, onError } from './middleware/errors.js';
import { requestContext } from './middleware/request-context.js';
import { createRouter, registerDocument } from './openapi.js';
import { healthRoutes, type HealthCheck } from './routes/health.js';

/** The methods whose requests go through the body size limit (every method but GET, HEAD and OPTIONS). */
const BODY_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'QUERY'];

export interface GatewayDeps {
  config: Pick<Config, 'CORS_ORIGINS' | 'BODY_LIMIT_BYTES'>;
  log: Logger;
  metrics: GatewayMetrics;
  /** Readiness probes by dependency name. */
  healthChecks: Record<string, HealthCheck>;
  /** Extra middleware by path pattern (rate limits), applied after the body limit, before routes. */
  middleware?: { path: string; handler: MiddlewareHandler<GatewayEnv> }[];
  /** Feature route modules mounted under `/api/v1` (built by the composition root). */
  apiRoutes?: OpenAPIHono<GatewayEnv>[];
  /** Authentication and other request services; required as soon as a non-public route is mounted. */
  services?: GatewayServices;
  /** Version reported in the OpenAPI document. */
  version?: string;
}

/** Builds the gateway. Order: request context → metrics → secure headers → CORS (one front middleware) → body limit → rate limits → routes (each with its access guard). */
export function createApp(deps: GatewayDeps): OpenAPIHono<GatewayEnv> {
  const app = createRouter({ cachedMatching: true });

  // 1-4. One front middleware (middleware/request-context.ts), in this order: request id + child
  //  logger + access log, first, so every later failure carries the id; metrics around everything
  //  else, so refused requests are counted too; security headers (HSTS, nosniff,
  //  frame-ancestors...) on every answer (OWASP ASVS V3.4); CORS on /api/* only for the
  //  configured origins (none by default), preflights answered here.
  app.use(
    '*',
    requestContext({
      log: deps.log,
      metrics: deps.metrics,
      services: deps.services,
      cors: corsPolicy({ origins: deps.config.CORS_ORIGINS, allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Approval-Token'], exposeHeaders: ['X-Request-Id', 'Retry-After'], maxAgeSeconds: 600 }),
    }),
  );
  // 5. Body size limit before any parsing (413 PAYLOAD_TOO_LARGE in the envelope), only for the
  //  methods that carry a body: GET and HEAD skip it without even a dispatch (OPTIONS is answered
  //  by the front middleware). A declared Content-Length is checked without touching the body:
  //  Hono's bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build a web stream
  //  over the request, and a request then refused unread (401, 404, 413) could no longer be
  //  drained, so its kept-alive connection was reset (test/gateway/bad-input-regressions.test.ts).
  //  Bodies without a declared length (chunked) are counted by Hono's bodyLimit as they are read.
  const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `The request body exceeds ${deps.config.BODY_LIMIT_BYTES} bytes.`);
  const limitStream = bodyLimit({
    maxSize: deps.config.BODY_LIMIT_BYTES,
    onError: () => {
      throw tooLarge();
    },
  });
  app.on(BODY_METHODS, '/api/*', (c, next) => {
    const length = requestHeader(c, 'content-length');
    if (length === undefined || requestHeader(c, 'transfer-encoding') !== undefined) return limitStream(c, next);
    if (Number.parseInt(length, 10) > deps.config.BODY_LIMIT_BYTES) throw tooLarge();
    return next();
  });

  // 6. Rate limits (strict on auth routes, looser elsewhere).
  for (const m of deps.middleware ?? []) app.use(m.path, m.handler);

  app.route('/', healthRoutes(deps.healthChecks, deps.metrics));
  for (const routes of deps.apiRoutes ?? []) app.route('/api/v1', routes);

  registerDocument(app, deps.version ?? '0.1.0');
  app.get('/api/docs', swaggerUI({ url: '/api/openapi.json' }));

  app.onError(onError);
  app.notFound(notFound);
  return app;
}
