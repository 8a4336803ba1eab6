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
import { guard } from './middleware/guard.js';
import { CachedRouter } from './router.js';

/** Who may call a route. */
export type Access =
  | { kind: 'public' }
  /** A valid Appwrite JWT of any user, staff profile or not (logout, own sessions). */
  | { kind: 'session' }
  | { kind: 'authenticated' }
  | { kind: 'terminal' }
  | { kind: 'permission'; permission: string };

export const ACCESS_EXTENSION = 'x-tillgate-access';

/**
 * Creates a router whose validation failures throw {@link AppError} VALIDATION_FAILED.
 * @param options.cachedMatching the root app's setting: match results cached by path (`router.ts`).
 */
export function createRouter(options: { cachedMatching?: boolean } = {}): OpenAPIHono<GatewayEnv> {
  return new OpenAPIHono<GatewayEnv>({
    ...(options.cachedMatching ? { router: new CachedRouter() } : {}),
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
        throw new AppError('VALIDATION_FAILED', `Invalid ${result.target}: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}`, {
          details: { target: result.target, issues },
        });
      }
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
  const own = config.middleware === undefined ? [] : Array.isArray(config.middleware) ? config.middleware : [config.middleware];
  return createRoute({
    ...config,
    // The guard runs first, so no route handler or route middleware sees an unchecked caller
    // (a public route has nothing to check, so it skips the extra dispatch).
    middleware: access.kind === 'public' ? own : [guard(access), ...own],
    security,
    responses: { ...standardErrors(access), ...config.responses },
    [ACCESS_EXTENSION]: access.kind === 'permission' ? access.permission : access.kind,
  } as R & { security: typeof security });
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
