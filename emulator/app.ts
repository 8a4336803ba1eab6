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

export interface EmulatorAppOptions {
  /** Called with unexpected errors (bugs); they answer 500 `general_unknown`. */
  onUnexpectedError?: (e: unknown) => void;
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
