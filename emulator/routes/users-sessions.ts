/**
 * Appwrite 1.9 Users API, session side (server, API key): list/create/delete a user's sessions,
 * create login tokens and JWTs, list logs.
 *
 * Known differences from Appwrite: `GET /users/{userId}/logs` answers an empty list with total 0
 * (the emulator keeps no audit log); `POST /users/{userId}/jwts` without `sessionId` binds the
 * JWT to the most recent session (the SDK doc's wording) where Appwrite 1.9.6 signs an unbound
 * JWT (`sessionId: ''`).
 * @module
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { EmulatorEnv } from '../context.js';
import { fail, invalidParam } from '../errors.js';
import { signJwt } from '../jwt.js';
import { bool, int, queryParams, readBody, str } from '../params.js';
import { isoNow, isValidUid, randomSecret, sha256, uniqueId } from '../util.js';
import { sessionModel, tokenModel, userModel } from '../users/models.js';
import { createSession, deleteSessions, userSessions } from '../users/sessions.js';
import { pathUser } from '../users/validate.js';

/** Token length bounds and default, characters (Appwrite `Range(4, 128)`, default 6). */
export const TOKEN_LENGTH = { min: 4, max: 128, default: 6 } as const;
/** Token expiry bounds and default, seconds (`Range(60, TOKEN_EXPIRATION_LOGIN_LONG)`, default `TOKEN_EXPIRATION_GENERIC` 900). */
export const TOKEN_EXPIRE_S = { min: 60, max: 31_536_000, default: 900 } as const;
/** JWT duration bounds and default, seconds (Appwrite `Range(0, 3600)`, default 900). */
export const JWT_DURATION_S = { min: 0, max: 3600, default: 900 } as const;

/**
 * Signs a JWT for `userId` bound to `sessionId`, valid `durationS` seconds.
 * @returns the Appwrite JWT model `{ jwt }`.
 */
export function jwtModel(secret: string, userId: string, sessionId: string, durationS: number): { jwt: string } {
  return { jwt: signJwt({ userId, sessionId, exp: Math.floor(Date.now() / 1000) + durationS }, secret) };
}

/** Adds the session routes to the `/v1/users` app. */
export function registerUserSessionRoutes(app: Hono<EmulatorEnv>, read: MiddlewareHandler<EmulatorEnv>, write: MiddlewareHandler<EmulatorEnv>): void {
  /** `GET /users/{userId}/sessions` (200 sessionList): total (false → 0); secrets are never listed. */
  app.get('/:userId/sessions', read, (c) => {
    const user = pathUser(c);
    const includeTotal = bool(queryParams(c), 'total') ?? true;
    const sessions = userSessions(c.get('emu'), user.$id).map((s) => sessionModel(s, user));
    return c.json({ total: includeTotal ? sessions.length : 0, sessions }, 200);
  });

  /** `POST /users/{userId}/sessions` (201 session): provider `server`, factors `["server"]`, expires in 1 year; the body carries the secret. */
  app.post('/:userId/sessions', write, (c) => {
    const user = pathUser(c);
    const { body } = createSession(c, user, 'server', ['server'], { returnSecret: true, actorUserId: '' });
    return c.json(body, 201);
  });

  /** `DELETE /users/{userId}/sessions` (204): every session of the user; event `users.<id>.sessions.delete` with the User model. */
  app.delete('/:userId/sessions', write, (c) => {
    const emu = c.get('emu');
    const user = pathUser(c);
    const sessions = userSessions(emu, user.$id);
    for (const s of sessions) emu.state.sessions.delete(s.$id);
    emu.changed();
    emu.events.emit([`users.${user.$id}.sessions.delete`], userModel(user, true), '');
    return c.body(null, 204);
  });

  /** `DELETE /users/{userId}/sessions/{sessionId}` (204); 404 `user_session_not_found`. */
  app.delete('/:userId/sessions/:sessionId', write, (c) => {
    const emu = c.get('emu');
    const user = pathUser(c);
    const session = emu.state.sessions.get(c.req.param('sessionId'));
    if (!session || session.userId !== user.$id) fail('user_session_not_found', 'The current user session could not be found.');
    deleteSessions(emu, [session], '');
    return c.body(null, 204);
  });

  /**
   * `POST /users/{userId}/tokens` (201 token): length 4–128 hex chars (default 6), expire
   * 60–31536000 s (default 900). The plaintext secret is in the body and the
   * `users.<id>.tokens.<tid>.create` payload only; it is stored as SHA-256.
   */
  app.post('/:userId/tokens', write, async (c) => {
    const p = await readBody(c);
    const emu = c.get('emu');
    const user = pathUser(c);
    const length = int(p, 'length', { min: TOKEN_LENGTH.min, max: TOKEN_LENGTH.max }) ?? TOKEN_LENGTH.default;
    const expireS = int(p, 'expire', { min: TOKEN_EXPIRE_S.min, max: TOKEN_EXPIRE_S.max }) ?? TOKEN_EXPIRE_S.default;
    const secret = randomSecret(Math.ceil(length / 2)).slice(0, length);
    const now = Date.now();
    const token = { $id: uniqueId(), $createdAt: isoNow(now), userId: user.$id, secretHash: sha256(secret), expire: isoNow(now + expireS * 1000) };
    emu.state.tokens.set(token.$id, token);
    emu.changed();
    const body = tokenModel(token, secret);
    emu.events.emit([`users.${user.$id}.tokens.${token.$id}.create`], body, '');
    return c.json(body, 201);
  });

  /**
   * `POST /users/{userId}/jwts` (201 jwt): sessionId (a session of the user, `recent`, or
   * omitted = the most recent; 404 `user_session_not_found` for another id), duration 0–3600 s
   * (default 900). A user without sessions gets a JWT with an empty sessionId.
   */
  app.post('/:userId/jwts', write, async (c) => {
    const p = await readBody(c);
    const emu = c.get('emu');
    const user = pathUser(c);
    const requested = str(p, 'sessionId') ?? '';
    const duration = int(p, 'duration', { min: JWT_DURATION_S.min, max: JWT_DURATION_S.max }) ?? JWT_DURATION_S.default;
    const sessions = userSessions(emu, user.$id).filter((s) => Date.parse(s.expire) > Date.now());
    let sessionId = '';
    if (requested === '' || requested === 'recent') {
      sessionId = sessions.at(-1)?.$id ?? '';
    } else {
      if (!isValidUid(requested)) throw invalidParam('sessionId', "UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore");
      if (!sessions.some((s) => s.$id === requested)) fail('user_session_not_found', 'The current user session could not be found.');
      sessionId = requested;
    }
    return c.json(jwtModel(emu.state.jwtSecret, user.$id, sessionId, duration), 201);
  });

  /** `GET /users/{userId}/logs` (200 logList): always empty with total 0 (the emulator records no audit logs). */
  app.get('/:userId/logs', read, (c) => {
    pathUser(c);
    bool(queryParams(c), 'total');
    return c.json({ total: 0, logs: [] }, 200);
  });
}
