/**
 * The gateway app: the single place where the request pipeline is put together (and commented)
 * and every route module is mounted. Dependencies are built once by the composition root (`main.ts` or
 * the embedded stack) and passed in; nothing here reads `process.env`.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../core/config.js';
import type { Logger } from '../infra/logger.js';
import type { GatewayEnv } from './env.js';
import type { GatewayServices } from './services.js';
import type { GatewayMetrics } from './metrics.js';
import { corsPolicy } from './middleware/cors.js';
import { errorResponse, onError, routeNotFound } from './middleware/errors.js';
import { requestContext, type RouteWork } from './middleware/request-context.js';
import { createRouter, registerDocument } from './openapi.js';
import { healthRoutes, type HealthCheck } from './routes/health.js';

export interface GatewayDeps {
  config: Pick<Config, 'CORS_ORIGINS' | 'BODY_LIMIT_BYTES'>;
  log: Logger;
  metrics: GatewayMetrics;
  /** Readiness probes by dependency name. */
  healthChecks: Record<string, HealthCheck>;
  /** Feature route modules mounted under `/api/v1` (built by the composition root). */
  apiRoutes?: OpenAPIHono<GatewayEnv>[];
  /** Authentication and other request services; required as soon as a non-public route is mounted. */
  services?: GatewayServices;
  /** Version reported in the OpenAPI document. */
  version?: string;
}

/**
 * Builds the gateway. Every request goes through the front door (middleware/request-context.ts):
 * request id + child logger + access log, first, so every later failure carries the id; metrics
 * around everything else, so refused requests are counted too; security headers (HSTS, nosniff,
 * frame-ancestors...) on every answer (OWASP ASVS V3.4); CORS on /api/* only for the configured
 * origins (none by default), preflights answered there; the body size limit before any parsing
 * (413 PAYLOAD_TOO_LARGE). Inside it each route runs its entry step (limits, access guard,
 * permission, validation: middleware/route-entry.ts), then its handler. Routes are mounted with
 * `route()` (which puts them in the front door); the docs, the OpenAPI document and the 404 of
 * unmatched paths enter it explicitly. Nothing is mounted with `use()`, so a route is one handler.
 */
export function createApp(deps: GatewayDeps): OpenAPIHono<GatewayEnv> {
  const front = requestContext({
    log: deps.log,
    metrics: deps.metrics,
    services: deps.services,
    cors: corsPolicy({ origins: deps.config.CORS_ORIGINS, allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Approval-Token'], exposeHeaders: ['X-Request-Id', 'Retry-After'], maxAgeSeconds: 600 }),
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    onError: errorResponse,
  });
  const app = createRouter({ cachedMatching: true, front });

  app.route('/', healthRoutes(deps.healthChecks, deps.metrics));
  for (const routes of deps.apiRoutes ?? []) app.route('/api/v1', routes);

  registerDocument(app, deps.version ?? '0.1.0', front);
  const docs = swaggerUI({ url: '/api/openapi.json' }) as unknown as MiddlewareHandler<GatewayEnv>;
  app.get('/api/docs', (c, next) => front.run(c, async (c, next) => (await docs(c, next)) ?? c.res, next));

  // Errors are answered inside the front door; this is the last resort for anything outside it.
  app.onError(onError);
  const unmatched: RouteWork = (c) => {
    throw routeNotFound(c);
  };
  app.notFound((c) => front.run(c, unmatched, () => Promise.resolve(), 'unmatched'));
  return app;
}
