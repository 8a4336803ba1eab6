/**
 * Route definition with OpenAPI 3.1 generated from the zod schemas (`@hono/zod-openapi`).
 *
 * Every route declares its access rule (`x-tillgate-access` in the document): `public`,
 * `authenticated`, `terminal` or a `resource:action` permission. The permission-matrix test
 * reads the document, so a route without a declared rule cannot be added unnoticed.
 * Validation failures of body, query, params or headers become 400 `VALIDATION_FAILED` in the
 * common envelope with the zod issues as `details.issues`.
 * @module
 */
import { OpenAPIHono, createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import { AppError, ERROR_CODES } from '../core/errors.js';
import type { GatewayEnv } from './env.js';
import type { Handler, MiddlewareHandler } from 'hono';
import type { Access } from './middleware/guard.js';
import { routeEntry, validationFailed } from './middleware/route-entry.js';
import { CachedRouter } from './router.js';

export type { Access };

export const ACCESS_EXTENSION = 'x-tillgate-access';

/** The access rule of each route made by {@link defineRoute}. */
const accessRules = new WeakMap<object, Access>();

type Mount = OpenAPIHono<GatewayEnv>['openapi'];
type AnyRoute = Parameters<Mount>[0];
type AnyHandler = Parameters<Mount>[1];

/**
 * OpenAPIHono whose `openapi(route, handler)` runs each {@link defineRoute} route's entry step
 * (`middleware/route-entry.ts`: access, API rate limit, permission, query and path validation)
 * as one step in front of the handler. A route without a body, header schema or own middleware
 * is mounted as a single handler (entry step, then handler); others keep @hono/zod-openapi's
 * header and body validators after the entry step. The OpenAPI document is the same either way:
 * the full route (every schema) is registered.
 */
class GatewayRouter extends OpenAPIHono<GatewayEnv> {
  constructor(init: ConstructorParameters<typeof OpenAPIHono<GatewayEnv>>[0]) {
    super(init);
    const mount: Mount = this.openapi;
    const openapi = (config: AnyRoute, handler: AnyHandler, hook?: Parameters<Mount>[2]) => {
      const access = accessRules.get(config);
      if (!access) return mount(config, handler, hook);
      const { middleware, hide, ...route } = config;
      if (!hide) this.openAPIRegistry.registerPath(route);
      const { query, params, ...rest } = route.request ?? {};
      const entry = routeEntry(access, { query, params });
      const own = middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware];
      if (!rest.body && !rest.headers && !rest.cookies && own.length === 0) {
        const run = handler as unknown as Handler<GatewayEnv>;
        const single: Handler<GatewayEnv> = (c, next) => {
          const pending = entry(c);
          return pending ? pending.then(() => run(c, next)) : run(c, next);
        };
        this.on([route.method], [route.path.replaceAll(/\/{(.+?)}/g, '/:$1')], single);
        return this;
      }
      const entryMiddleware: MiddlewareHandler<GatewayEnv> = async (c, next) => {
        const pending = entry(c);
        if (pending) await pending;
        await next();
      };
      return mount({ ...route, hide: true, request: rest, middleware: [entryMiddleware, ...own] } as AnyRoute, handler, hook);
    };
    this.openapi = openapi as unknown as Mount;
  }
}

/**
 * Creates a router whose validation failures throw {@link AppError} VALIDATION_FAILED.
 * @param options.cachedMatching the root app's setting: match results cached by path (`router.ts`).
 */
export function createRouter(options: { cachedMatching?: boolean } = {}): OpenAPIHono<GatewayEnv> {
  return new GatewayRouter({
    ...(options.cachedMatching ? { router: new CachedRouter() } : {}),
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(result.target, result.error);
      return undefined;
    },
  });
}

/** The error envelope schema, shared by every documented error response. */
export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]),
      message: z.string(),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('ErrorEnvelope');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorEnvelopeSchema } },
});

/** Error responses every route may give, by its access rule. */
function standardErrors(access: Access) {
  const base = {
    400: errorResponse('VALIDATION_FAILED: a body, query, path or header value is invalid.'),
    429: errorResponse('RATE_LIMITED (or a lockout code): retry after the `Retry-After` seconds.'),
    500: errorResponse('INTERNAL: unexpected failure; quote the requestId.'),
    503: errorResponse('UPSTREAM_UNAVAILABLE / DEPENDENCY_UNAVAILABLE: Appwrite, MariaDB or Redis is down.'),
  };
  if (access.kind === 'public') return base;
  return {
    ...base,
    401: errorResponse('UNAUTHENTICATED: missing, invalid, expired or revoked credentials.'),
    ...(access.kind === 'permission' ? { 403: errorResponse(`INSUFFICIENT_PERMISSIONS: requires \`${access.permission}\` (or FORBIDDEN by a management rule).`) } : {}),
  };
}

/**
 * Declares a route: the zod-openapi config plus its access rule and the standard error responses.
 * Route-specific responses override the standard ones with the same status.
 */
export function defineRoute<R extends Omit<RouteConfig, 'responses'> & { responses: RouteConfig['responses'] }>(
  access: Access,
  config: R,
) {
  const security = access.kind === 'public' ? [] : access.kind === 'terminal' ? [{ terminal: [] }] : [{ bearer: [] }];
  const route = createRoute({
    ...config,
    security,
    responses: { ...standardErrors(access), ...config.responses },
    [ACCESS_EXTENSION]: access.kind === 'permission' ? access.permission : access.kind,
  } as R & { security: typeof security });
  // The router runs the entry step (access first) before any route middleware or handler.
  accessRules.set(route, access);
  return route;
}

/** Registers the security schemes and writes the document metadata. */
export function registerDocument(app: OpenAPIHono<GatewayEnv>, version: string): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'Appwrite JWT',
    description: 'An Appwrite JWT from `account.createJWT()` (default lifetime 900 s).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'terminal', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: '`Terminal <terminalId>:<secret>`: the credential an enrolled terminal received once.',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Tillgate gateway',
      version,
      description: 'Staff identity and access for point-of-sale on self-hosted Appwrite. Errors use `{ error: { code, message, requestId, details? } }`.',
    },
    servers: [{ url: '/' }],
  });
}

export { z };
