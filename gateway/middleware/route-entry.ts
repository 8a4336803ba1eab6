/**
 * The one step every documented route runs before its handler, in this order:
 * 1. on the credential endpoints (`{ kind: 'public', limit: 'credentials' }`), their strict limit
 *    per client address and route (`rate-limit.ts`);
 * 2. access: authenticate the caller by the route's rule (`guard.ts`); a refused credential is
 *    counted against the client address by the API rate limit before the 401 goes out;
 * 3. the API rate limit, per authenticated caller (public routes have none: they are the health
 *    probes and the credential endpoints);
 * 4. the route's permission (RBAC, `permission` routes only);
 * 5. validation of the query string, then the path parameters, against the route's zod schemas
 *    (the order @hono/zod-openapi uses), each failure a 400 VALIDATION_FAILED in the envelope.
 *    Header and body schemas stay with @hono/zod-openapi's validators, which run after this step.
 *
 * These steps used to be separate Hono middlewares (rate limits, guard, one zod validator per
 * target), each a dispatch and a promise on every request. As one step that returns a promise
 * only when it has I/O to wait for, a cached authenticated read runs through it synchronously.
 * Query and path schemas are parsed with `safeParse`; a schema with an async refinement falls
 * back to `safeParseAsync`. Parsed path parameters are kept per path (see {@link validate}).
 * @module
 */
import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { LRUCache } from 'lru-cache';
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

/** Paths whose parsed parameters each route keeps (least recently used first out). */
export const PARAMS_CACHE_ENTRIES = 1024;

/**
 * Validates one target and stores the parsed value for `c.req.valid(target)`. Path parameters
 * depend only on the path, so a route keeps the parsed parameters of its last
 * {@link PARAMS_CACHE_ENTRIES} valid paths (`cache`) and skips decoding and parsing them again;
 * invalid paths are never kept.
 */
function validate(c: Context<GatewayEnv>, target: 'query' | 'param', schema: z.ZodType, cache?: LRUCache<string, object>): Promise<void> | undefined {
  if (cache) {
    const hit = cache.get(c.req.path);
    if (hit) {
      c.req.addValidatedData(target, hit);
      return undefined;
    }
  }
  const value = input(c, target);
  let result: z.ZodSafeParseResult<unknown>;
  try {
    result = schema.safeParse(value);
  } catch (e) {
    if (!(e instanceof z.core.$ZodAsyncError)) throw e;
    return schema.safeParseAsync(value).then((r) => accept(c, target, r, cache));
  }
  accept(c, target, result, cache);
  return undefined;
}

function accept(c: Context<GatewayEnv>, target: 'query' | 'param', result: z.ZodSafeParseResult<unknown>, cache: LRUCache<string, object> | undefined): void {
  if (!result.success) throw validationFailed(target, result.error);
  const data = result.data as object;
  cache?.set(c.req.path, Object.freeze(data));
  c.req.addValidatedData(target, data);
}

/** A route's entry step: undefined when it finished without I/O, else a promise; refusals are thrown (or rejected) as {@link AppError}s. */
export type RouteEntry = (c: Context<GatewayEnv>) => Promise<void> | undefined;

/**
 * Builds a route's entry step (see the module comment). On the synchronous path (cached caller,
 * in-process limit) it allocates no closure: each would cost an allocation per request.
 */
export function routeEntry(access: Access, schemas: EntrySchemas): RouteEntry {
  const { query, params } = schemas;
  const parsedPaths = params ? new LRUCache<string, object>({ max: PARAMS_CACHE_ENTRIES }) : undefined;
  const validateParams = (c: Context<GatewayEnv>): Promise<void> | undefined => (params ? validate(c, 'param', params, parsedPaths) : undefined);
  const validateAll = (c: Context<GatewayEnv>): Promise<void> | undefined => {
    const q = query ? validate(c, 'query', query) : undefined;
    return q ? q.then(() => validateParams(c)) : validateParams(c);
  };
  if (access.kind === 'public') {
    if (access.limit !== 'credentials') return validateAll;
    return (c) => {
      const limited = c.get('services')?.credentialLimiter?.(c, `${clientAddress(c)}:${c.req.path}`);
      return limited ? limited.then(() => validateAll(c)) : validateAll(c);
    };
  }

  const authorized = (c: Context<GatewayEnv>): Promise<void> | undefined => {
    const denied = authorizeFor(c, access);
    return denied ? denied.then(() => validateAll(c)) : validateAll(c);
  };
  const afterAuthentication = (c: Context<GatewayEnv>, key: string | undefined): Promise<void> | undefined => {
    const limited = key === undefined ? undefined : c.get('services')?.apiLimiter?.(c, key);
    return limited ? limited.then(() => authorized(c)) : authorized(c);
  };
  const refused = (c: Context<GatewayEnv>, e: unknown): Promise<never> | never => {
    // Count the refusal against the address first: past the limit the answer is 429, not 401.
    const counted = e instanceof AppError && e.status === 401 ? c.get('services')?.apiLimiter?.(c, `ip:${clientAddress(c)}`) : undefined;
    if (counted) {
      return counted.then(() => {
        throw e;
      });
    }
    throw e;
  };
  return function entry(c) {
    let who: ReturnType<typeof authenticateFor>;
    try {
      who = authenticateFor(c, access);
    } catch (e) {
      return refused(c, e);
    }
    if (who instanceof Promise) return who.then((key) => afterAuthentication(c, key), (e: unknown) => refused(c, e));
    return afterAuthentication(c, who);
  };
}
