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
import { cors } from 'hono/cors';
import { AppError } from '../core/errors.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../infra/logger.js';
import type { GatewayEnv } from './env.js';
import type { GatewayServices } from './services.js';
import { observeRequests, type GatewayMetrics } from './metrics.js';
import { notFound, onError } from './middleware/errors.js';
import { requestContext } from './middleware/request-context.js';
import { securityHeaders } from './middleware/security-headers.js';
import { createRouter, registerDocument } from './openapi.js';
import { healthRoutes, type HealthCheck } from './routes/health.js';

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

/** Builds the gateway. Order: request context → metrics → secure headers → CORS → body limit → rate limits → routes (each with its access guard). */
export function createApp(deps: GatewayDeps): OpenAPIHono<GatewayEnv> {
  const app = createRouter();

  // 1. Request id + child logger + access log: first, so every later failure carries the id.
  app.use('*', requestContext(deps.log));
  app.use('*', async (c, next) => {
    c.set('services', deps.services);
    await next();
  });
  // 2. Metrics around everything else, so refused requests are counted too.
  app.use('*', observeRequests(deps.metrics));
  // 3. Security headers (HSTS, nosniff, frame-ancestors...) on every answer (OWASP ASVS V3.4).
  app.use('*', securityHeaders());
  // 4. CORS only for the configured origins; none by default.
  app.use('/api/*', cors({ origin: [...deps.config.CORS_ORIGINS], allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Approval-Token'], exposeHeaders: ['X-Request-Id', 'Retry-After'], maxAge: 600 }));
  // 5. Body size limit before any parsing (413 PAYLOAD_TOO_LARGE in the envelope).
  const limitBody = bodyLimit({
    maxSize: deps.config.BODY_LIMIT_BYTES,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', `The request body exceeds ${deps.config.BODY_LIMIT_BYTES} bytes.`);
    },
  });
  // GET and HEAD carry no body: skipping them keeps @hono/node-server's lightweight request
  // (touching the body would build a full web Request on every read).
  app.use('/api/*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

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
