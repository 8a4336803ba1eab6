/**
 * First middleware: request id, child logger, one access-log line per request.
 *
 * The inbound `X-Request-Id` is trusted only when it is at most 128 characters of
 * `[A-Za-z0-9._:-]` (Hono's request-id rule); otherwise a fresh UUID is used.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { Logger } from '../../infra/logger.js';
import type { GatewayEnv } from '../env.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** @param root the process's root logger; each request gets `root.child({ requestId })`. */
export function requestContext(root: Logger) {
  return createMiddleware<GatewayEnv>(async function requestContext(c, next) {
    const inbound = c.req.header('x-request-id');
    const requestId = inbound && SAFE_ID.test(inbound) ? inbound : randomUUID();
    // The child logger is built on first use: most requests log one line at the end, and a
    // pino child per request (bindings serialized and redacted) showed in the gateway's profile.
    let child: Logger | undefined;
    const log = new Proxy(root, { get: (_t, prop) => Reflect.get((child ??= root.child({ requestId })), prop) }) as Logger;
    c.set('requestId', requestId);
    c.set('log', log);
    c.set('principal', undefined);
    c.set('user', undefined);
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 100) / 100;
    if (!root.isLevelEnabled('info')) return;
    const principal = c.get('principal');
    log.info(
      {
        method: c.req.method,
        route: c.req.routePath,
        path: c.req.path,
        status: c.res.status,
        ms,
        ...(principal ? { actor: principal.kind === 'user' ? principal.userId : principal.terminalId } : {}),
      },
      'request',
    );
  });
}
