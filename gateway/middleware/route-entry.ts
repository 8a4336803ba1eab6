/**
 * The one step every documented route runs before its handler, in this order:
 * 1. access: authenticate the caller by the route's rule (`guard.ts`); a refused credential is
 *    counted against the client address by the API rate limit before the 401 goes out;
 * 2. the API rate limit, per authenticated caller (`rate-limit.ts`; public routes have none:
 *    they are the health probes and the credential endpoints, which carry the stricter auth limit);
 * 3. the route's permission (RBAC, `permission` routes only);
 * 4. validation of the query string, then the path parameters, against the route's zod schemas
 *    (the order @hono/zod-openapi uses), each failure a 400 VALIDATION_FAILED in the envelope.
 *    Header and body schemas stay with @hono/zod-openapi's validators, which run after this step.
 *
 * These steps used to be separate Hono middlewares (rate limit, guard, one zod validator per
 * target), each a dispatch and a promise on every request; as one step a cached GET costs one
 * dispatch for everything before its handler. Query and path schemas are parsed synchronously
 * (`safeParse`); a schema with an async refinement falls back to `safeParseAsync`.
 * @module
 */
import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { AppError } from '../../core/errors.js';
import type { GatewayEnv } from '../env.js';
import { authenticateFor, authorizeFor, type Access } from './guard.js';
import { clientAddress } from './rate-limit.js';

/** The request schemas the entry step validates. */
export interface EntrySchemas {
  query?: z.ZodType | undefined;
  params?: z.ZodType | undefined;
}

/** A zod failure as the gateway's 400 (`details: { target, issues: [{ path, message, code }] }`). */
export function validationFailed(target: string, error: z.ZodError): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
  return new AppError('VALIDATION_FAILED', `Invalid ${target}: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}`, {
    details: { target, issues },
  });
}

/** Hono's validator input for a target: every query parameter (repeated ones as arrays), or the path parameters. */
function input(c: Context<GatewayEnv>, target: 'query' | 'param'): Record<string, unknown> {
  if (target === 'param') return c.req.param() as Record<string, string>;
  return Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => (v.length === 1 ? [k, v[0]] : [k, v])));
}

/** Validates one target and stores the parsed value for `c.req.valid(target)`. */
function validate(c: Context<GatewayEnv>, target: 'query' | 'param', schema: z.ZodType): Promise<void> | undefined {
  const value = input(c, target);
  let result: z.ZodSafeParseResult<unknown>;
  try {
    result = schema.safeParse(value);
  } catch (e) {
    if (!(e instanceof z.core.$ZodAsyncError)) throw e;
    return schema.safeParseAsync(value).then((r) => accept(c, target, r));
  }
  accept(c, target, result);
  return undefined;
}

function accept(c: Context<GatewayEnv>, target: 'query' | 'param', result: z.ZodSafeParseResult<unknown>): void {
  if (!result.success) throw validationFailed(target, result.error);
  c.req.addValidatedData(target, result.data as object);
}

/**
 * Builds a route's entry step. The step returns undefined when it finished without I/O, else a
 * promise; either way it throws (or rejects with) the refusal as an {@link AppError}.
 */
export function routeEntry(access: Access, schemas: EntrySchemas): (c: Context<GatewayEnv>) => Promise<void> | undefined {
  const { query, params } = schemas;
  const validateAll = (c: Context<GatewayEnv>): Promise<void> | undefined => {
    const q = query ? validate(c, 'query', query) : undefined;
    if (q) return q.then(() => (params ? validate(c, 'param', params) : undefined));
    return params ? validate(c, 'param', params) : undefined;
  };
  if (access.kind === 'public') return validateAll;

  return async function entry(c) {
    const limit = c.get('services')?.apiLimiter;
    let key: string | undefined;
    try {
      const who = authenticateFor(c, access);
      key = who instanceof Promise ? await who : who;
    } catch (e) {
      if (limit && e instanceof AppError && e.status === 401) await limit(c, `ip:${clientAddress(c)}`);
      throw e;
    }
    if (limit && key !== undefined) await limit(c, key);
    const denied = authorizeFor(c, access);
    if (denied) await denied;
    const v = validateAll(c);
    if (v) await v;
  };
}
