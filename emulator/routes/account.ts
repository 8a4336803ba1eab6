/**
 * Appwrite 1.9 Account API (client side): the signed-in user (session via `X-Appwrite-Session`,
 * the `a_session_<project>` cookie or `X-Fallback-Cookies`, or a JWT via `X-Appwrite-JWT`,
 * resolved by `emulator/auth.ts`).
 *
 * Session creation answers `Set-Cookie: a_session_<project>=<secret>` and
 * `X-Fallback-Cookies: {"a_session_<project>":"<secret>"}`; the body's `secret` is `''` for
 * client callers and the secret itself for API-key callers, as Appwrite does. Sessions last one
 * year (Appwrite's default `authDuration`).
 * @module
 */
import { Hono, type Context } from 'hono';
import { requireScope } from '../auth.js';
import type { EmulatorEnv } from '../context.js';
import { AppwriteError, fail } from '../errors.js';
import { int, readBody, reqStr, str } from '../params.js';
import type { SessionRecord, UserRecord } from '../state.js';
import { isoNow, sha256 } from '../util.js';
import { sessionModel, userModel } from '../users/models.js';
import { hashPassword, verifyPassword } from '../users/passwords.js';
import { clearSessionCarriers, createSession, deleteSessions, emitUserEvent, setSessionCarriers, userSessions } from '../users/sessions.js';
import { emailParam, nameParam, passwordParam, prefsParam } from '../users/validate.js';
import { JWT_DURATION_S, jwtModel } from './users-sessions.js';

const SESSION_NOT_FOUND = 'The current user session could not be found.';

/**
 * The signed-in caller.
 * @throws AppwriteError 401 `general_unauthorized_scope` for guests and API keys (Appwrite: `User (role: guests) missing scope (account)`).
 */
function signedIn(c: Context<EmulatorEnv>): { user: UserRecord; session: SessionRecord } {
  const caller = c.get('caller');
  if (caller.kind !== 'user') throw new AppwriteError('general_unauthorized_scope', 'User (role: guests) missing scopes (["account"])');
  return { user: caller.user, session: caller.session };
}

/** Refuses session creation by a caller who already holds a session (Appwrite: 401 `user_session_already_exists`). */
function guestOnly(c: Context<EmulatorEnv>): void {
  if (c.get('caller').kind === 'user') fail('user_session_already_exists', 'Creation of a session is prohibited when a session is active.');
}

/** Starts a client session for `user` and answers 201 with the Session model and the session carriers. */
function startSession(c: Context<EmulatorEnv>, user: UserRecord, provider: SessionRecord['provider'], factors: string[]): Response {
  if (!user.status) fail('user_blocked', 'The current user has been blocked.');
  const isKey = c.get('caller').kind === 'key';
  const { session, secret, body } = createSession(c, user, provider, factors, { returnSecret: isKey, actorUserId: user.$id });
  setSessionCarriers(c, secret, session.expire);
  return c.json({ ...body, current: true }, 201);
}

function sessionFromPath(c: Context<EmulatorEnv>, user: UserRecord, current: SessionRecord): SessionRecord {
  const id = c.req.param('sessionId');
  const session = id === 'current' ? current : c.get('emu').state.sessions.get(id ?? '');
  if (!session || session.userId !== user.$id || Date.parse(session.expire) <= Date.now()) fail('user_session_not_found', SESSION_NOT_FOUND);
  return session;
}

function updated(c: Context<EmulatorEnv>, user: UserRecord, event: string): Response {
  const emu = c.get('emu');
  user.$updatedAt = isoNow();
  emu.changed();
  emitUserEvent(emu, user, event, user.$id);
  return c.json(userModel(user, false), 200);
}

/** Mounts `/v1/account`. */
export function accountRoutes(): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  const account = requireScope('account');
  const sessionsWrite = requireScope('sessions.write');

  /** `GET /account` (200 user, without password/hash fields); guests 401 `general_unauthorized_scope`. */
  app.get('/', account, (c) => c.json(userModel(signedIn(c).user, false), 200));

  /**
   * `POST /account/sessions/email` (201 session): email + password. Unknown email or wrong
   * password → 401 `user_invalid_credentials`; blocked user → 403 `user_blocked`; a caller with
   * a session → 401 `user_session_already_exists`.
   */
  app.post('/sessions/email', sessionsWrite, async (c) => {
    guestOnly(c);
    const p = await readBody(c);
    const email = emailParam(p, 'email')!;
    const password = reqStr(p, 'password', { max: 256 });
    const user = [...c.get('emu').state.users.values()].find((u) => u.email === email);
    const ok = user && user.password && user.hash && (await verifyPassword(password, user.password, user.hash, user.hashOptions));
    if (!user || !ok) fail('user_invalid_credentials', 'Invalid credentials. Please check the email and password.');
    return startSession(c, user, 'email', ['password']);
  });

  /**
   * `POST /account/sessions/token` (201 session): exchanges a token from `users.createToken`
   * (`userId`, `secret`). The token is single use; unknown, reused or expired → 401 `user_invalid_token`.
   */
  app.post('/sessions/token', sessionsWrite, async (c) => {
    guestOnly(c);
    const p = await readBody(c);
    const userId = reqStr(p, 'userId', { max: 36 });
    const secret = reqStr(p, 'secret', { max: 256 });
    const emu = c.get('emu');
    const user = emu.state.users.get(userId);
    const digest = sha256(secret);
    const token = [...emu.state.tokens.values()].find((t) => t.userId === userId && t.secretHash === digest);
    if (token && Date.parse(token.expire) <= Date.now()) {
      emu.state.tokens.delete(token.$id);
      emu.changed();
    }
    if (!user || !token || Date.parse(token.expire) <= Date.now()) fail('user_invalid_token', 'Invalid token passed in the request.');
    if (!user.status) fail('user_blocked', 'The current user has been blocked.');
    emu.state.tokens.delete(token.$id);
    return startSession(c, user, 'token', ['token']);
  });

  /** `POST /account/jwts` (201 jwt): bound to the caller's session; duration 0–3600 s, default 900. */
  app.post('/jwts', account, async (c) => {
    const { user, session } = signedIn(c);
    const p = await readBody(c);
    const duration = int(p, 'duration', { min: JWT_DURATION_S.min, max: JWT_DURATION_S.max }) ?? JWT_DURATION_S.default;
    return c.json(jwtModel(c.get('emu').state.jwtSecret, user.$id, session.$id, duration), 201);
  });

  /** `GET /account/sessions` (200 sessionList): the caller's live sessions, `current` marking its own. */
  app.get('/sessions', account, (c) => {
    const { user, session } = signedIn(c);
    const now = Date.now();
    const sessions = userSessions(c.get('emu'), user.$id)
      .filter((s) => Date.parse(s.expire) > now)
      .map((s) => sessionModel(s, user, { current: s.$id === session.$id }));
    return c.json({ total: sessions.length, sessions }, 200);
  });

  /** `DELETE /account/sessions` (204): signs the caller out everywhere; clears the carriers. */
  app.delete('/sessions', account, (c) => {
    const { user } = signedIn(c);
    const emu = c.get('emu');
    deleteSessions(emu, userSessions(emu, user.$id), user.$id);
    clearSessionCarriers(c);
    return c.body(null, 204);
  });

  /** `GET /account/sessions/{sessionId}` (200 session): an id of the caller's or `current`; else 404 `user_session_not_found`. */
  app.get('/sessions/:sessionId', account, (c) => {
    const { user, session } = signedIn(c);
    const found = sessionFromPath(c, user, session);
    return c.json(sessionModel(found, user, { current: found.$id === session.$id }), 200);
  });

  /** `DELETE /account/sessions/{sessionId}` (204): logs out one session (`current` = this one, clearing the carriers). */
  app.delete('/sessions/:sessionId', account, (c) => {
    const { user, session } = signedIn(c);
    const found = sessionFromPath(c, user, session);
    deleteSessions(c.get('emu'), [found], user.$id);
    if (found.$id === session.$id) clearSessionCarriers(c);
    return c.body(null, 204);
  });

  /**
   * `PATCH /account/password` (200 user): password (8–256) and oldPassword (required when the
   * user has one; wrong → 401 `user_invalid_credentials`). Rehashes with argon2id.
   */
  app.patch('/password', account, async (c) => {
    const { user } = signedIn(c);
    const p = await readBody(c);
    const next = passwordParam(p, 'password')!;
    const old = str(p, 'oldPassword', { max: 256 }) ?? '';
    if (user.password && user.hash && !(await verifyPassword(old, user.password, user.hash, user.hashOptions))) {
      fail('user_invalid_credentials', 'Invalid credentials. Please check the email and password.');
    }
    Object.assign(user, await hashPassword(next));
    user.passwordUpdate = isoNow();
    return updated(c, user, 'update.password');
  });

  /** `PATCH /account/name` (200 user): name ≤128 chars. */
  app.patch('/name', account, async (c) => {
    const { user } = signedIn(c);
    const p = await readBody(c);
    user.name = nameParam(p, { required: true })!;
    return updated(c, user, 'update.name');
  });

  /** `GET /account/prefs` (200 preferences). */
  app.get('/prefs', account, (c) => c.json({ ...signedIn(c).user.prefs }, 200));

  /** `PATCH /account/prefs` (200 user): replaces the prefs object (≤65535 chars of JSON). */
  app.patch('/prefs', account, async (c) => {
    const { user } = signedIn(c);
    const p = await readBody(c);
    user.prefs = prefsParam(p);
    return updated(c, user, 'update.prefs');
  });

  return app;
}
