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
import { requestHeader } from './http.js';
import type { Context, Handler, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { mergePath } from 'hono/utils/url';
import type { Access } from './middleware/guard.js';
import type { FrontDoor, RouteWork } from './middleware/request-context.js';
import { routeEntry, validationFailed } from './middleware/route-entry.js';
import { CachedRouter } from './router.js';

export type { Access };

export const ACCESS_EXTENSION = 'x-tillgate-access';

/** The access rule of each route made by {@link defineRoute}. */
const accessRules = new WeakMap<object, Access>();

type Mount = OpenAPIHono<GatewayEnv>['openapi'];
type AnyRoute = Parameters<Mount>[0];
type AnyHandler = Parameters<Mount>[1];
type Route = OpenAPIHono<GatewayEnv>['route'];

/** How a route's first handler enters the front door when the route is mounted on the root app. */
const ENTRY = Symbol('tillgate.frontDoorEntry');
type Entering = Handler<GatewayEnv> & { [ENTRY]?: 'handler' | 'middleware' };

/** `handler` wrapped in the front door: a whole route (`'handler'`) or the first of a chain (`'middleware'`). */
function throughFrontDoor(front: FrontDoor, kind: 'handler' | 'middleware', handler: Handler<GatewayEnv>, route: string): Handler<GatewayEnv> {
  if (kind === 'handler') {
    const work = handler as RouteWork;
    return (c, next) => front.run(c, work, next, route);
  }
  // Hono's composition answers the rest of the chain (errors included, through onError) in c.res.
  const chain: RouteWork = async (c, next) => {
    await handler(c, next);
    return c.res;
  };
  return async (c, next) => {
    const res = await front.run(c, chain, next, route);
    if (res !== c.res) c.res = res;
  };
}

/**
 * True when the request carries a body (a non-zero `Content-Length`, or `Transfer-Encoding`) but
 * no `Content-Type`, or an empty one. @hono/zod-openapi answers that with 415 too, but finds out
 * by reading the body through a web stream (`hasRequestBody`); the unread rest of a large body
 * then stalls @hono/node-server's drain, which resets the kept-alive connection after 500 ms, so
 * the till's next request on it fails (found by the reliability fuzzer). Decided from the headers
 * alone, the body is never touched and the connection drains as usual.
 */
function bodyWithoutMediaType(c: Context<GatewayEnv>): boolean {
  if (requestHeader(c, 'content-type')) return false;
  const length = requestHeader(c, 'content-length');
  return requestHeader(c, 'transfer-encoding') !== undefined || (length !== undefined && Number.parseInt(length, 10) > 0);
}

/**
 * OpenAPIHono whose `openapi(route, handler)` runs each {@link defineRoute} route's entry step
 * (`middleware/route-entry.ts`: limits, access, permission, query and path validation) right
 * before the handler. A route without a body, header schema or own middleware becomes a single
 * Hono handler (entry step, then handler, synchronous as long as both are); others keep
 * @hono/zod-openapi's header and body validators after the entry step. The OpenAPI document is the
 * same either way: the full route (every schema) is registered.
 *
 * The root app (made with a front door) wraps the first handler of each route it mounts with
 * `route()` in the front door (`middleware/request-context.ts`), so a cached read is one handler
 * and one synchronous call; nothing else is mounted in front of the routes.
 */
class GatewayRouter extends OpenAPIHono<GatewayEnv> {
  constructor(init: ConstructorParameters<typeof OpenAPIHono<GatewayEnv>>[0], front?: FrontDoor) {
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
        const single: Entering = (c, next) => {
          const pending = entry(c);
          return pending ? pending.then(() => run(c, next)) : run(c, next);
        };
        single[ENTRY] = 'handler';
        this.on([route.method], [route.path.replaceAll(/\/{(.+?)}/g, '/:$1')], single);
        return this;
      }
      const declaresBody = Boolean(rest.body);
      const first: Entering = async (c, next) => {
        const pending = entry(c);
        if (pending) await pending;
        if (declaresBody && bodyWithoutMediaType(c)) throw new HTTPException(415, { message: 'Unsupported Media Type' });
        await next();
      };
      first[ENTRY] = 'middleware';
      return mount({ ...route, hide: true, request: rest, middleware: [first as MiddlewareHandler<GatewayEnv>, ...own] } as AnyRoute, handler, hook);
    };
    this.openapi = openapi as unknown as Mount;
    if (front) {
      const route: Route = this.route.bind(this);
      const mountThroughFrontDoor = (path: string, app: OpenAPIHono<GatewayEnv>) => {
        const original = app.routes;
        const entered = new Set<string>();
        app.routes = original.map((r) => {
          const kind = (r.handler as Entering)[ENTRY];
          const key = `${r.method} ${r.path}`;
          if (kind) {
            entered.add(key);
            return { ...r, handler: throughFrontDoor(front, kind, r.handler as Handler<GatewayEnv>, mergePath(path, r.path)) };
          }
          // The rest of a chain (validators, handler) follows its entry; anything else would answer
          // outside the front door (no request id, security headers, metrics or access rule).
          if (!entered.has(key)) throw new Error(`${key} is not a defineRoute route: mount only routes made with openapi(defineRoute(...), handler).`);
          return r;
        });
        try {
          return route(path, app);
        } finally {
          app.routes = original;
        }
      };
      this.route = mountThroughFrontDoor as unknown as Route;
    }
  }
}

/**
 * Creates a router whose validation failures throw {@link AppError} VALIDATION_FAILED.
 * @param options.cachedMatching the root app's setting: match results cached by path (`router.ts`).
 * @param options.front the root app's front door: every route mounted with `route()` runs inside it.
 */
export function createRouter(options: { cachedMatching?: boolean; front?: FrontDoor } = {}): OpenAPIHono<GatewayEnv> {
  return new GatewayRouter(
    {
      ...(options.cachedMatching ? { router: new CachedRouter() } : {}),
      defaultHook: (result) => {
        if (!result.success) throw validationFailed(result.target, result.error);
        return undefined;
      },
    },
    options.front,
  );
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

/** Registers the security schemes and serves the OpenAPI 3.1 document at `GET /api/openapi.json`, inside the front door. */
export function registerDocument(app: OpenAPIHono<GatewayEnv>, version: string, front: FrontDoor): void {
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
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Tillgate gateway',
      version,
      description: 'Staff identity and access for point-of-sale on self-hosted Appwrite. Errors use `{ error: { code, message, requestId, details? } }`.',
    },
    servers: [{ url: '/' }],
  };
  app.get('/api/openapi.json', (c, next) => front.run(c, (c) => c.json(app.getOpenAPI31Document(document)), next));
}

export { z };
