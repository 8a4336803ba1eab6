/**
 * `/api/v1/auth/*`: email/password login with account lockout, logout, the caller's identity
 * and permissions, and session management (log out one, others, all devices).
 *
 * Lockout (PCI DSS v4 8.3.4): `LOGIN_MAX_FAILURES` consecutive failures lock the account for
 * `LOGIN_LOCKOUT_SECONDS`; the check and the count are atomic in Redis (a reservation is taken
 * before Appwrite sees the password), so concurrent guesses cannot exceed the limit, and the
 * lock survives a gateway restart. Redis down → 503 (fail closed).
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../core/errors.js';
import { lockoutError, passwordLoginPolicy, passwordLoginSubject } from '../../core/pin/lockout.js';
import { effectivePermissions } from '../../core/rbac/index.js';
import type { Config } from '../../core/config.js';
import type { ResolvedUser } from '../../infra/actor-resolver.js';
import { isAppwriteError, isUpstreamDown, toAppError } from '../../infra/appwrite.js';
import { audit, auditQuietly } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import { replyJsonText } from '../http.js';
import type { UserPrincipal } from '../principal.js';
import type { GatewayMetrics } from '../metrics.js';
import { createRouter, defineRoute } from '../openapi.js';
import type { GatewayServices } from '../services.js';
import { LoginBody, LoginResponse, MeResponse, RevokeQuery, RevokedResponse, SessionIdParam, SessionList } from './auth-schemas.js';

/** Lifetime of the JWT a login returns, seconds (Appwrite's default, 15 minutes). */
export const LOGIN_JWT_SECONDS = 900;

/** The JWT holder of a `session` route (a user, with or without a staff profile). */
function sessionPrincipal(c: Context<GatewayEnv>): UserPrincipal {
  const p = c.get('principal');
  if (p?.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'Authentication is required.');
  return p;
}

type Required<T, K extends keyof T> = T & { [P in K]-?: NonNullable<T[P]> };
function svc(c: Context<GatewayEnv>): Required<GatewayServices, 'appwrite' | 'verifier' | 'epochs' | 'lockout' | 'roles' | 'databaseId'> {
  const s = c.get('services');
  if (!s?.appwrite || !s.verifier || !s.epochs || !s.lockout || !s.roles || !s.databaseId) throw new AppError('INTERNAL', 'Authentication services are not configured.');
  return s as Required<GatewayServices, 'appwrite' | 'verifier' | 'epochs' | 'lockout' | 'roles' | 'databaseId'>;
}

const login = defineRoute({ kind: 'public', limit: 'credentials' }, {
  method: 'post',
  path: '/auth/login',
  tags: ['auth'],
  summary: 'Log in with email and password',
  description: 'Creates an Appwrite session and returns a JWT for it. Refused with 429 ACCOUNT_LOCKED (Retry-After) after LOGIN_MAX_FAILURES consecutive failures (PCI DSS v4 8.3.4).',
  request: { body: { content: { 'application/json': { schema: LoginBody } }, required: true } },
  responses: {
    200: { description: 'Logged in', content: { 'application/json': { schema: LoginResponse } } },
    401: { description: 'INVALID_CREDENTIALS: unknown email or wrong password (same answer for both)' },
    403: { description: 'USER_BLOCKED: the account is deactivated' },
  },
});

const logout = defineRoute({ kind: 'session' }, {
  method: 'post',
  path: '/auth/logout',
  tags: ['auth'],
  summary: 'End the current session',
  responses: { 204: { description: 'Logged out' } },
});

const me = defineRoute({ kind: 'authenticated' }, {
  method: 'get',
  path: '/auth/me',
  tags: ['auth'],
  summary: 'The caller: user, staff profile, role, stores and effective permissions (for UI gating)',
  responses: { 200: { description: 'Identity', content: { 'application/json': { schema: MeResponse } } } },
});

const listSessions = defineRoute({ kind: 'session' }, {
  method: 'get',
  path: '/auth/sessions',
  tags: ['auth'],
  summary: "The caller's Appwrite sessions (the current one flagged)",
  responses: { 200: { description: 'Sessions', content: { 'application/json': { schema: SessionList } } } },
});

const revokeOne = defineRoute({ kind: 'session' }, {
  method: 'delete',
  path: '/auth/sessions/{sessionId}',
  tags: ['auth'],
  summary: 'Log out one session; its JWTs are refused from the next request on',
  request: { params: SessionIdParam },
  responses: { 204: { description: 'Revoked' }, 404: { description: 'NOT_FOUND: no such session of yours' } },
});

const revokeMany = defineRoute({ kind: 'session' }, {
  method: 'delete',
  path: '/auth/sessions',
  tags: ['auth'],
  summary: 'Log out every other session (`scope=others`) or all devices (`scope=all`)',
  request: { query: RevokeQuery },
  responses: { 200: { description: 'Revoked', content: { 'application/json': { schema: RevokedResponse } } } },
});

/** The body of `GET /auth/me`. */
function meView({ verified, profile, actor }: ResolvedUser) {
  return {
    user: { id: verified.userId, email: verified.email, name: verified.name, labels: verified.labels },
    sessionId: verified.sessionId ?? null,
    staff: profile,
    role: { name: actor.role.name, title: actor.role.title, level: actor.role.level },
    stores: actor.global && actor.role.mayBeGlobal ? ['*'] : [...actor.storeIds],
    permissions: effectivePermissions(actor),
  };
}

/** Auth routes. `config` supplies the lockout policy; `metrics` counts lockouts. */
export function authRoutes(config: Pick<Config, 'LOGIN_MAX_FAILURES' | 'LOGIN_LOCKOUT_SECONDS'>, metrics: GatewayMetrics): OpenAPIHono<GatewayEnv> {
  const app = createRouter();
  const policy = passwordLoginPolicy(config.LOGIN_MAX_FAILURES, config.LOGIN_LOCKOUT_SECONDS);

  app.openapi(login, async (c) => {
    const s = svc(c);
    const { email, password } = c.req.valid('json');
    const subject = passwordLoginSubject(email, policy);
    const anonymous = { type: 'system' as const, id: 'anonymous' };
    const reserved = await s.lockout.reserve([subject]);
    if (!reserved.ok) {
      await auditQuietly(c, { action: 'auth.login_failed', outcome: 'denied', reason: 'ACCOUNT_LOCKED', actor: anonymous, metadata: { emailHash: subject.key.slice(6) } });
      throw lockoutError(reserved.denial);
    }
    let session;
    try {
      session = await s.appwrite.guestAccount().createEmailPasswordSession({ email, password });
    } catch (e) {
      if (isAppwriteError(e, 'user_invalid_credentials')) {
        const locks = await s.lockout.settle(reserved.reservation, false);
        await auditQuietly(c, { action: 'auth.login_failed', outcome: 'failure', reason: 'INVALID_CREDENTIALS', actor: anonymous, metadata: { emailHash: subject.key.slice(6) } });
        if (locks.length) {
          metrics.lockouts.inc({ kind: 'login' });
          await auditQuietly(c, { action: 'auth.locked', outcome: 'success', reason: `${locks[0]!.lockSeconds ?? 'until unlocked'} s after ${policy.maxFailures} failures`, actor: anonymous, metadata: { emailHash: subject.key.slice(6) } });
        }
        throw new AppError('INVALID_CREDENTIALS', 'The email or password is wrong.');
      }
      await s.lockout.release(reserved.reservation).catch(() => undefined);
      if (isAppwriteError(e, 'user_blocked')) {
        await auditQuietly(c, { action: 'auth.login_failed', outcome: 'denied', reason: 'USER_BLOCKED', actor: anonymous });
        throw new AppError('USER_BLOCKED', 'This account is deactivated.');
      }
      if (isUpstreamDown(e)) throw new AppError('UPSTREAM_UNAVAILABLE', 'Appwrite is unavailable; retry shortly.', { cause: e, retryAfterSeconds: 5 });
      throw toAppError(e, 'session');
    }
    await s.lockout.settle(reserved.reservation, true);
    const userId = session.userId;
    const [user, jwt, profile] = await Promise.all([
      s.appwrite.users.get({ userId }),
      s.appwrite.users.createJWT({ userId, sessionId: session.$id, duration: LOGIN_JWT_SECONDS }),
      c.get('services')!.actors.loadProfile(userId),
    ]).catch((e: unknown) => {
      throw toAppError(e, 'user');
    });
    const actor = profile ? c.get('services')!.actors.actorOf(profile) : undefined;
    await audit(c, { action: 'auth.login', outcome: 'success', reason: 'password', actor: { type: 'user', id: userId, ...(profile ? { role: profile.role, displayName: profile.displayName } : {}) }, ...(profile?.storeId ? { storeId: profile.storeId } : {}) });
    return c.json(
      {
        user: { id: user.$id, email: user.email, name: user.name, labels: user.labels },
        session: { id: session.$id, expire: session.expire },
        jwt: jwt.jwt,
        jwtExpire: new Date(Date.now() + LOGIN_JWT_SECONDS * 1000).toISOString(),
        staff: profile ?? null,
        role: actor ? { name: actor.role.name, title: actor.role.title, level: actor.role.level } : null,
        permissions: actor ? effectivePermissions(actor) : [],
      },
      200,
    );
  });

  app.openapi(logout, async (c) => {
    const s = svc(c);
    const p = sessionPrincipal(c);
    if (p.sessionId) {
      await s.appwrite.users.deleteSession({ userId: p.userId, sessionId: p.sessionId }).catch((e: unknown) => {
        if (!isAppwriteError(e, 'user_session_not_found')) throw toAppError(e, 'session');
      });
    }
    await s.verifier.forget(p.jwtHash);
    // Other gateways may hold this JWT in their in-process caches: the epoch makes them re-check.
    await s.epochs.bump(p.userId);
    await audit(c, { action: 'auth.logout', outcome: 'success', reason: 'user logout', actor: { type: 'user', id: p.userId }, target: { type: 'session', id: p.sessionId ?? 'unknown' } });
    return c.body(null, 204);
  });

  // The answer depends only on the resolved user, which the actor resolver keeps (same object)
  // while the JWT, profile and role registry are unchanged: serialize it once per resolved user.
  const meBodies = new WeakMap<ResolvedUser, string>();
  app.openapi(me, (c) => {
    const user = c.get('user')!;
    let body = meBodies.get(user);
    if (body === undefined) meBodies.set(user, (body = JSON.stringify(meView(user))));
    return replyJsonText<ReturnType<typeof meView>, 200>(c, body, 200);
  });

  app.openapi(listSessions, async (c) => {
    const s = svc(c);
    const p = sessionPrincipal(c);
    const list = await s.appwrite.users.listSessions({ userId: p.userId }).catch((e: unknown) => {
      throw toAppError(e, 'sessions');
    });
    const sessions = list.sessions.map((x) => ({ id: x.$id, current: x.$id === p.sessionId, createdAt: x.$createdAt, expire: x.expire, provider: x.provider, ip: x.ip, clientName: x.clientName }));
    return c.json({ total: sessions.length, sessions }, 200);
  });

  app.openapi(revokeOne, async (c) => {
    const s = svc(c);
    const p = sessionPrincipal(c);
    const { sessionId } = c.req.valid('param');
    const list = await s.appwrite.users.listSessions({ userId: p.userId }).catch((e: unknown) => {
      throw toAppError(e, 'sessions');
    });
    if (!list.sessions.some((x) => x.$id === sessionId)) throw new AppError('NOT_FOUND', 'No such session of yours.');
    await s.appwrite.users.deleteSession({ userId: p.userId, sessionId }).catch((e: unknown) => {
      throw toAppError(e, 'session');
    });
    await s.epochs.bump(p.userId);
    await audit(c, { action: 'auth.session_revoked', outcome: 'success', reason: 'one session', actor: { type: 'user', id: p.userId }, target: { type: 'session', id: sessionId } });
    return c.body(null, 204);
  });

  app.openapi(revokeMany, async (c) => {
    const s = svc(c);
    const p = sessionPrincipal(c);
    const { scope } = c.req.valid('query');
    const userId = p.userId;
    let revoked = 0;
    if (scope === 'all') {
      const list = await s.appwrite.users.listSessions({ userId });
      await s.appwrite.users.deleteSessions({ userId }).catch((e: unknown) => {
        throw toAppError(e, 'sessions');
      });
      revoked = list.total;
    } else {
      const list = await s.appwrite.users.listSessions({ userId });
      for (const x of list.sessions.filter((x) => x.$id !== p.sessionId)) {
        await s.appwrite.users.deleteSession({ userId, sessionId: x.$id });
        revoked++;
      }
    }
    await s.epochs.bump(userId);
    await audit(c, { action: 'auth.session_revoked', outcome: 'success', reason: scope === 'all' ? 'log out all devices' : 'all other sessions', actor: { type: 'user', id: userId }, target: { type: 'user', id: userId }, metadata: { revoked } });
    return c.json({ revoked }, 200);
  });

  return app;
}
