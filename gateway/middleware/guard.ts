/**
 * The access checks every route's entry step runs (`route-entry.ts`, attached to each route by
 * the gateway's router from the rule given to `defineRoute`, so no route can forget them):
 * - `public`: none;
 * - `session`: a valid Appwrite JWT of any user → `c.var.principal`;
 * - `authenticated`: `Authorization: Bearer <Appwrite JWT>` → `c.var.user` (JWT, staff profile, actor);
 * - `permission`: the same, then `authorize(actor, permission)` from core/rbac; a denial answers
 *   403 INSUFFICIENT_PERMISSIONS naming the missing permission and is reported to `onDenied`
 *   (audited as `authz.denied`). Store-specific checks on a target use {@link requireInStore};
 * - `terminal`: `Authorization: Terminal <id>:<secret>` → `c.var.principal` (kind terminal).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { AppError } from '../../core/errors.js';
import { authorize, type Permission } from '../../core/rbac/index.js';
import type { ResolvedUser } from '../../infra/actor-resolver.js';
import type { VerifiedJwt } from '../../infra/jwt-verifier.js';
import type { GatewayEnv } from '../env.js';
import { requestHeader } from '../http.js';
import type { UserPrincipal } from '../principal.js';
import type { GatewayServices } from '../services.js';

function services(c: Context<GatewayEnv>): GatewayServices {
  const s = c.get('services');
  if (!s) throw new AppError('INTERNAL', 'Gateway services are not configured.');
  return s;
}

/** Who may call a route. */
export type Access =
  /** Anyone; `limit: 'credentials'` adds the strict per-address limit of the credential endpoints. */
  | { kind: 'public'; limit?: 'credentials' }
  /** A valid Appwrite JWT of any user, staff profile or not (logout, own sessions). */
  | { kind: 'session' }
  | { kind: 'authenticated' }
  | { kind: 'terminal' }
  | { kind: 'permission'; permission: string };

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i;

function bearer(c: Context<GatewayEnv>): string {
  const h = requestHeader(c, 'authorization');
  const m = h ? BEARER.exec(h.trim()) : null;
  if (!m) throw new AppError('UNAUTHENTICATED', 'Send `Authorization: Bearer <Appwrite JWT>`.');
  return m[1]!;
}

// The principal of a verified JWT is built once per cached verification (the verifier and the
// actor resolver hand out the same objects while nothing changes); read-only like them.
const principals = new WeakMap<VerifiedJwt, UserPrincipal>();
function principalOf(v: VerifiedJwt): UserPrincipal {
  let p = principals.get(v);
  if (!p) principals.set(v, (p = { kind: 'user', userId: v.userId, email: v.email, name: v.name, sessionId: v.sessionId, jwtHash: v.jwtHash, expiresAt: v.expiresAt }));
  return p;
}

/** Resolves the bearer JWT into `c.var.user` and `c.var.principal`. */
export async function authenticateUser(c: Context<GatewayEnv>): Promise<ResolvedUser> {
  const actors = services(c).actors;
  const jwt = bearer(c);
  return signedIn(c, actors.resolveCached(jwt) ?? (await actors.resolve(jwt)));
}

function signedIn(c: Context<GatewayEnv>, user: ResolvedUser): ResolvedUser {
  c.set('user', user);
  c.set('principal', principalOf(user.verified));
  return user;
}

// The caller last authenticated on each kept-alive connection, with the exact Authorization
// header it sent. A connection's next request with the same header reuses it after the
// in-process checks of ActorResolver.isCurrent (expiry, revocation epoch, profile, roles), which
// skips hashing the JWT again (the largest cost left on an authenticated read). The entry lives
// as long as the connection and is that connection's own credential; no other cache holds a JWT.
const lastCaller = new WeakMap<object, { authorization: string; user: ResolvedUser }>();

/** {@link authenticateUser} without a promise when everything is cached (the common request). */
function authenticateUserFast(c: Context<GatewayEnv>): ResolvedUser | Promise<ResolvedUser> {
  const actors = services(c).actors;
  const authorization = requestHeader(c, 'authorization');
  const connection = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
  const last = connection ? lastCaller.get(connection) : undefined;
  if (last && last.authorization === authorization && actors.isCurrent(last.user)) return signedIn(c, last.user);
  const remember = (user: ResolvedUser) => {
    if (connection && authorization !== undefined) lastCaller.set(connection, { authorization, user });
    return signedIn(c, user);
  };
  const jwt = bearer(c);
  const cached = actors.resolveCached(jwt);
  return cached ? remember(cached) : actors.resolve(jwt).then(remember);
}

/**
 * Refuses with 403 unless the current user holds `permission` in `storeId` (store scoping).
 * `await` it: it returns a promise only when it has I/O to do (authenticating first, or
 * recording a denial), so the common allowed case costs no promise.
 * @throws AppError INSUFFICIENT_PERMISSIONS with `details: { missing, reason }` (as a rejection).
 */
export function requireInStore(c: Context<GatewayEnv>, permission: Permission, storeId: string | undefined): Promise<void> | undefined {
  const user = c.get('user');
  if (!user) return authenticateUser(c).then((u) => checkInStore(c, u, permission, storeId));
  return checkInStore(c, user, permission, storeId);
}

/** The decision of {@link requireInStore}; synchronous (no promise) when allowed, the common case. */
function checkInStore(c: Context<GatewayEnv>, user: ResolvedUser, permission: Permission, storeId: string | undefined): Promise<void> | undefined {
  const d = authorize(user.actor, permission, storeId === undefined ? undefined : { storeId });
  return d.allowed ? undefined : deny(c, user, permission, storeId, d);
}

async function deny(c: Context<GatewayEnv>, user: ResolvedUser, permission: Permission, storeId: string | undefined, d: Extract<ReturnType<typeof authorize>, { allowed: false }>): Promise<never> {
  await services(c).onDenied?.({ userId: user.actor.userId, permission, reason: d.reason, storeId, requestId: c.get('requestId'), route: `${c.req.method} ${c.req.routePath}` });
  const why = d.reason === 'STORE_SCOPE' ? `You have no rights in store ${storeId ?? ''}.` : d.reason === 'INACTIVE' ? 'Your account is deactivated.' : `Requires permission \`${permission}\`.`;
  throw new AppError('INSUFFICIENT_PERMISSIONS', why, { details: { missing: d.missing, reason: d.reason } });
}

/** The rate-limit key of a staff caller (the API limit counts per user). */
const userKey = (userId: string): string => `u:${userId}`;
const callerKey = (u: ResolvedUser): string => userKey(u.verified.userId);

/**
 * Authenticates the caller by a route's access rule and sets `c.var.principal` (and `c.var.user`
 * for staff): `session` verifies the bearer JWT; `authenticated` and `permission` also resolve the
 * staff member; `terminal` checks the till credential. Returns the caller's rate-limit key
 * (`u:<userId>`, `t:<terminalId>`), or undefined for `public` routes; synchronous (no promise)
 * when the caller is cached, the common request.
 * @throws AppError UNAUTHENTICATED (401) and the terminal codes of `TerminalAuthenticator`.
 */
export function authenticateFor(c: Context<GatewayEnv>, access: Access): string | undefined | Promise<string | undefined> {
  switch (access.kind) {
    case 'public':
      return undefined;
    case 'session': {
      const verifier = services(c).verifier;
      if (!verifier) throw new AppError('INTERNAL', 'Authentication is not configured.');
      return verifier.verify(bearer(c)).then((v) => {
        c.set('principal', principalOf(v));
        return userKey(v.userId);
      });
    }
    case 'authenticated':
    case 'permission': {
      const user = authenticateUserFast(c);
      return user instanceof Promise ? user.then(callerKey) : callerKey(user);
    }
    case 'terminal': {
      const terminals = services(c).terminals;
      if (!terminals) throw new AppError('INTERNAL', 'Terminal authentication is not configured.');
      return terminals.authenticate(requestHeader(c, 'authorization')).then((t) => {
        c.set('principal', t);
        return `t:${t.terminalId}`;
      });
    }
  }
}

/**
 * The permission check of a `permission` route, after {@link authenticateFor}: undefined when
 * allowed (or when the rule needs no permission), else a rejected promise.
 * @throws AppError INSUFFICIENT_PERMISSIONS (as a rejection), reported to `onDenied` first.
 */
export function authorizeFor(c: Context<GatewayEnv>, access: Access): Promise<void> | undefined {
  if (access.kind !== 'permission') return undefined;
  return checkInStore(c, c.get('user')!, access.permission as Permission, undefined);
}
