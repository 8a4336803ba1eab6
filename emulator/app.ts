/**
 * The emulator's Hono app: Appwrite's REST subset under `/v1`, one error handler answering
 * Appwrite's `{ message, code, type, version }` bodies.
 * @module
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { EmulatorEnv } from './context.js';
import type { Emulator } from './emulator.js';
import { AppwriteError } from './errors.js';
import { resolveCaller } from './auth.js';
import { accountRoutes } from './routes/account.js';
import { functionRoutes } from './routes/functions.js';
import { healthRoutes } from './routes/health.js';
import { tablesDbRoutes } from './routes/tablesdb.js';
import { userRoutes } from './routes/users.js';

/** Largest request body accepted, bytes (Appwrite's default `_APP_COMPUTE_...` is larger; rows are small). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** What {@link EmulatorAppOptions.onResponse} sees of each answer. */
export interface ResponseInfo {
  method: string;
  /** The matched route in OpenAPI form without `/v1`, e.g. `/users/{userId}`; null when no route matched. */
  route: string | null;
  status: number;
  /** The request path without `/v1`, e.g. `/users/u1`. */
  path: string;
  /** Parsed JSON body, or undefined for a non-JSON or empty body. */
  body: unknown;
  /** True when the caller was a client (session, JWT or guest), false for API keys. */
  client: boolean;
}

export interface EmulatorAppOptions {
  /** Called with unexpected errors (bugs); they answer 500 `general_unknown`. */
  onUnexpectedError?: (e: unknown) => void;
  /** Observes every answer (the contract suite validates bodies against Appwrite's OpenAPI schemas). */
  onResponse?: (info: ResponseInfo) => void;
}

/** Builds the HTTP app for one emulator instance. */
export function createEmulatorApp(emu: Emulator, options: EmulatorAppOptions = {}): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Appwrite-Emulator', 'tillgate');
  });
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AppwriteError('general_argument_invalid', `Request body is larger than ${MAX_BODY_BYTES} bytes.`);
      },
    }),
  );
  app.use('/v1/*', resolveCaller(emu));
  if (options.onResponse) {
    const observe = options.onResponse;
    app.use('/v1/*', async (c, next) => {
      await next();
      const type = c.res.headers.get('content-type') ?? '';
      const body = type.includes('application/json') ? await c.res.clone().json().catch(() => undefined) : undefined;
      const matched = c.req.routePath && c.req.routePath !== '/v1/*' ? c.req.routePath : null;
      const route = matched ? matched.replace(/^\/v1/, '').replace(/:([A-Za-z0-9_]+)/g, '{$1}') : null;
      observe({ method: c.req.method, route, path: c.req.path.replace(/^\/v1/, ''), status: c.res.status, body, client: c.get('caller')?.kind !== 'key' });
    });
  }

  app.route('/v1/users', userRoutes());
  app.route('/v1/account', accountRoutes());
  app.route('/v1/tablesdb', tablesDbRoutes());
  app.route('/v1/functions', functionRoutes());
  app.route('/v1/health', healthRoutes());

  app.notFound((c) =>
    c.json(new AppwriteError('general_route_not_found', 'The requested route was not found. Please refer to the API docs and try again.').toBody(), 404),
  );
  app.onError((err, c) => {
    if (err instanceof AppwriteError) return c.json(err.toBody(), err.code as 400);
    if (err instanceof HTTPException && err.status < 500) {
      return c.json(new AppwriteError('general_argument_invalid', err.message || 'Bad request.').toBody(), 400);
    }
    options.onUnexpectedError?.(err);
    return c.json(new AppwriteError('general_unknown', 'Server Error').toBody(), 500);
  });
  return app;
}
