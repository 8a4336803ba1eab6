/**
 * The access guard every route gets from `defineRoute` (so no route can forget it):
 * - `authenticated`: `Authorization: Bearer <Appwrite JWT>` → `c.var.user` (JWT, staff profile, actor);
 * - `permission`: the same, then `authorize(actor, permission)` from core/rbac; a denial answers
 *   403 INSUFFICIENT_PERMISSIONS naming the missing permission and is reported to `onDenied`
 *   (audited as `authz.denied`). Store-specific checks on a target use {@link requireInStore};
 * - `terminal`: `Authorization: Terminal <id>:<secret>` → `c.var.principal` (kind terminal).
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../../core/errors.js';
import { authorize, type Permission } from '../../core/rbac/index.js';
import type { ResolvedUser } from '../../infra/actor-resolver.js';
import type { GatewayEnv } from '../env.js';
import type { Access } from '../openapi.js';
import type { GatewayServices } from '../services.js';

function services(c: Context<GatewayEnv>): GatewayServices {
  const s = c.get('services');
  if (!s) throw new AppError('INTERNAL', 'Gateway services are not configured.');
  return s;
}

function bearer(c: Context<GatewayEnv>): string {
  const h = c.req.header('authorization');
  const m = h ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(h.trim()) : null;
  if (!m) throw new AppError('UNAUTHENTICATED', 'Send `Authorization: Bearer <Appwrite JWT>`.');
  return m[1]!;
}

/** Resolves the bearer JWT into `c.var.user` and `c.var.principal`. */
export async function authenticateUser(c: Context<GatewayEnv>): Promise<ResolvedUser> {
  const user = await services(c).actors.resolve(bearer(c));
  c.set('user', user);
  c.set('principal', { kind: 'user', userId: user.verified.userId, email: user.verified.email, name: user.verified.name, sessionId: user.verified.sessionId, jwtHash: user.verified.jwtHash, expiresAt: user.verified.expiresAt });
  return user;
}

/**
 * Throws 403 unless the current user holds `permission` in `storeId` (store scoping).
 * @throws AppError INSUFFICIENT_PERMISSIONS with `details: { missing, reason }`.
 */
export async function requireInStore(c: Context<GatewayEnv>, permission: Permission, storeId: string | undefined): Promise<void> {
  const user = c.get('user') ?? (await authenticateUser(c));
  const d = authorize(user.actor, permission, { storeId });
  if (d.allowed) return;
  await services(c).onDenied?.({ userId: user.actor.userId, permission, reason: d.reason, storeId, requestId: c.get('requestId'), route: `${c.req.method} ${c.req.routePath}` });
  const why = d.reason === 'STORE_SCOPE' ? `You have no rights in store ${storeId ?? ''}.` : d.reason === 'INACTIVE' ? 'Your account is deactivated.' : `Requires permission \`${permission}\`.`;
  throw new AppError('INSUFFICIENT_PERMISSIONS', why, { details: { missing: d.missing, reason: d.reason } });
}

/** The guard middleware for an access rule. */
export function guard(access: Access): MiddlewareHandler<GatewayEnv> {
  return createMiddleware<GatewayEnv>(async function routeGuard(c, next) {
    switch (access.kind) {
      case 'public':
        break;
      case 'session': {
        const verifier = services(c).verifier;
        if (!verifier) throw new AppError('INTERNAL', 'Authentication is not configured.');
        const v = await verifier.verify(bearer(c));
        c.set('principal', { kind: 'user', userId: v.userId, email: v.email, name: v.name, sessionId: v.sessionId, jwtHash: v.jwtHash, expiresAt: v.expiresAt });
        break;
      }
      case 'authenticated':
        await authenticateUser(c);
        break;
      case 'permission':
        await authenticateUser(c);
        await requireInStore(c, access.permission as Permission, undefined);
        break;
      case 'terminal': {
        const terminals = services(c).terminals;
        if (!terminals) throw new AppError('INTERNAL', 'Terminal authentication is not configured.');
        c.set('principal', await terminals.authenticate(c.req.header('authorization')));
        break;
      }
    }
    await next();
  });
}
