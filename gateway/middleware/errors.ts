/**
 * The gateway's single error formatter (the front door and the root app's onError use it) and
 * the 404 of unmatched paths.
 * Every error answer is the envelope of `core/errors.ts`; unknown errors become INTERNAL with a
 * fixed message and are logged with their stack, never echoed (PocketBase's safe-data split).
 * @module
 */
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, toErrorEnvelope } from '../../core/errors.js';
import type { GatewayEnv } from '../env.js';
import { replyJson, setHeader } from '../http.js';

function respond(c: Context<GatewayEnv>, err: unknown) {
  const requestId = c.get('requestId') ?? 'unknown';
  const { status, body, retryAfterSeconds } = toErrorEnvelope(err, requestId);
  const log = c.get('log');
  if (status >= 500) log?.error({ err, code: body.error.code }, 'request failed');
  else log?.debug({ code: body.error.code }, 'request refused');
  if (retryAfterSeconds !== undefined) setHeader(c, 'Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  return replyJson(c, body, status);
}

/** Maps Hono's own exceptions (body limit, malformed JSON) to the envelope. */
function fromHttpException(e: HTTPException): AppError {
  if (e.status === 413) return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
  if (e.status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  if (e.status === 401) return new AppError('UNAUTHENTICATED', 'Authentication is required.');
  if (e.status >= 500) return new AppError('INTERNAL', 'Unexpected failure.', { cause: e });
  return new AppError('BAD_REQUEST', e.message || 'The request is malformed.');
}

/** The error envelope answer for anything thrown while answering `c` (Hono's exceptions mapped first). */
export function errorResponse(err: unknown, c: Context<GatewayEnv>): Response {
  return respond(c, err instanceof HTTPException ? fromHttpException(err) : err);
}

export const onError: ErrorHandler<GatewayEnv> = (err, c) => errorResponse(err, c);

/** The 404 of a path no route matches. */
export function routeNotFound(c: Context<GatewayEnv>): AppError {
  return new AppError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`);
}
