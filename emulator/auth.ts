/**
 * Resolves the caller of every request as Appwrite does, and checks scopes.
 *
 * Order: `X-Appwrite-Project` must name the project (else 404 `project_not_found`; 403
 * `project_id_missing` when absent); an `X-Appwrite-Key` makes the caller the app with the
 * key's scopes (an unknown key leaves a guest, an expired one answers 401 `api_key_expired`); otherwise a JWT
 * (`X-Appwrite-JWT`: a bad or expired one answers 401 `user_jwt_invalid`, one of a deleted session
 * 401 `general_unauthorized_scope`), a session secret (`X-Appwrite-Session`, the
 * `a_session_<project>` cookie, or `X-Fallback-Cookies`) makes a user; unknown or expired
 * sessions leave a guest.
 * @module
 */
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import type { Caller, EmulatorEnv } from './context.js';
import { AppwriteError, fail } from './errors.js';
import { verifyJwt } from './jwt.js';
import { ROLE_SCOPES } from './scopes.js';
import { sha256 } from './util.js';
import type { Emulator } from './emulator.js';

/** Paths that answer without a project header (Appwrite's health/version probes). */
const PROJECTLESS = new Set(['/v1/health/version']);

function sessionSecretFrom(c: Context<EmulatorEnv>, project: string): { secret: string; via: 'session' | 'cookie' | 'fallback' } | null {
  const header = c.req.header('x-appwrite-session');
  if (header) return { secret: header, via: 'session' };
  const cookie = getCookie(c, `a_session_${project}`);
  if (cookie) return { secret: cookie, via: 'cookie' };
  const fallback = c.req.header('x-fallback-cookies');
  if (fallback) {
    try {
      const parsed = JSON.parse(fallback) as Record<string, unknown>;
      const v = parsed[`a_session_${project}`];
      if (typeof v === 'string' && v.length > 0) return { secret: v, via: 'fallback' };
    } catch {
      // A malformed fallback cookie is ignored, as the real server ignores a bad cookie.
    }
  }
  return null;
}

/** Resolves `c.var.caller`; see the module doc for the rules. */
export function resolveCaller(emu: Emulator) {
  return createMiddleware<EmulatorEnv>(async (c, next) => {
    c.set('emu', emu);
    c.set('ip', c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || '127.0.0.1');
    c.set('caller', { kind: 'guest' });
    const project = c.req.header('x-appwrite-project') ?? getCookie(c, 'a_project');
    if (!project) {
      if (PROJECTLESS.has(c.req.path)) return next();
      fail('project_id_missing', 'The project ID is missing. Please set the X-Appwrite-Project header.');
    }
    if (project !== emu.projectId) fail('project_not_found', 'Project with the requested ID could not be found.');

    const now = Date.now();
    const key = c.req.header('x-appwrite-key');
    if (key) {
      const record = emu.state.apiKeys.get(sha256(key));
      if (record) {
        if (record.expire !== null && Date.parse(record.expire) <= now) fail('api_key_expired', 'The API key has expired.');
        c.set('caller', { kind: 'key', keyId: record.$id, scopes: new Set(record.scopes) });
      }
      return next();
    }

    const jwt = c.req.header('x-appwrite-jwt');
    if (jwt) {
      const claims = verifyJwt(jwt, emu.state.jwtSecret, now);
      if (!claims) fail('user_jwt_invalid', 'Failed to verify JWT. Invalid token: Expired');
      const session = emu.state.sessions.get(claims.sessionId);
      const user = emu.state.users.get(claims.userId);
      if (!session || !user || session.userId !== user.$id || Date.parse(session.expire) <= now) {
        fail('general_unauthorized_scope', 'User (role: guests) missing scopes (["account"])');
      }
      c.set('caller', { kind: 'user', user, session, via: 'jwt' });
      return next();
    }

    const carrier = sessionSecretFrom(c, project);
    if (carrier) {
      const session = findSession(emu, carrier.secret, now);
      const user = session ? emu.state.users.get(session.userId) : undefined;
      if (session && user) c.set('caller', { kind: 'user', user, session, via: carrier.via });
    }
    return next();
  });
}

function findSession(emu: Emulator, secret: string, now: number) {
  const digest = sha256(secret);
  for (const s of emu.state.sessions.values()) {
    if (s.secretHash === digest) return Date.parse(s.expire) > now ? s : undefined;
  }
  return undefined;
}

/** The scopes a caller holds. */
export function callerScopes(caller: Caller): ReadonlySet<string> {
  if (caller.kind === 'key') return caller.scopes;
  return caller.kind === 'user' ? ROLE_SCOPES.users : ROLE_SCOPES.guests;
}

/**
 * Requires one of `scopes` (Appwrite lists alternatives, e.g. `rows.read` or `documents.read`).
 * A blocked user is refused with 401 `user_blocked` before any scope check.
 * @throws AppwriteError 401 `general_unauthorized_scope`
 */
export function requireScope(...scopes: string[]) {
  return createMiddleware<EmulatorEnv>(async (c, next) => {
    const caller = c.get('caller');
    if (caller.kind === 'user' && !caller.user.status) fail('user_blocked', 'The current user has been blocked.');
    const held = callerScopes(caller);
    if (!scopes.some((s) => held.has(s))) {
      const who = caller.kind === 'user' ? `${caller.user.email || caller.user.$id} (role: users)` : caller.kind === 'key' ? `app.${c.get('emu').projectId}@service.localhost (role: applications)` : 'User (role: guests)';
      throw new AppwriteError('general_unauthorized_scope', `${who} missing scopes (${JSON.stringify([scopes[0]])})`);
    }
    return next();
  });
}
