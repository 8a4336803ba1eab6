/**
 * Session and token bookkeeping shared by the Users (server) and Account (client) routes.
 * Secrets are returned once and stored only as SHA-256 digests (`state.sessions`, `state.tokens`).
 * @module
 */
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import type { EmulatorEnv } from '../context.js';
import type { Emulator } from '../emulator.js';
import type { SessionRecord, UserRecord } from '../state.js';
import { isoNow, randomSecret, sha256, uniqueId } from '../util.js';
import { sessionModel, userModel } from './models.js';

/** Default session length, seconds: one year (Appwrite's `Auth::TOKEN_EXPIRATION_LOGIN_LONG`, the project default `authDuration`). */
export const SESSION_LENGTH_S = 31_536_000;

/** Bytes of randomness in a session secret (hex-encoded to 256 chars, Appwrite's `TOKEN_LENGTH_SESSION`). */
const SESSION_SECRET_BYTES = 128;

/**
 * Creates and stores a session for `user`; emits `users.<id>.sessions.<sid>.create` with
 * `payload` (the response body, as Appwrite sends it) and marks the state changed.
 * @returns the record and its plaintext secret (never stored).
 */
export function createSession(
  c: Context<EmulatorEnv>,
  user: UserRecord,
  provider: SessionRecord['provider'],
  factors: string[],
  opts: { returnSecret: boolean; actorUserId: string },
): { session: SessionRecord; secret: string; body: Record<string, unknown> } {
  const emu = c.get('emu');
  const now = Date.now();
  // Appwrite hands out the encoded session store: base64 of {"id": userId, "secret": secret}.
  const secret = Buffer.from(JSON.stringify({ id: user.$id, secret: randomSecret(SESSION_SECRET_BYTES) })).toString('base64');
  const session: SessionRecord = {
    $id: uniqueId(),
    $createdAt: isoNow(now),
    $updatedAt: isoNow(now),
    userId: user.$id,
    secretHash: sha256(secret),
    expire: isoNow(now + SESSION_LENGTH_S * 1000),
    provider,
    ip: c.get('ip'),
    userAgent: c.req.header('user-agent') ?? '',
    factors,
  };
  emu.state.sessions.set(session.$id, session);
  user.accessedAt = isoNow(now);
  emu.changed();
  const body = sessionModel(session, user, { secret: opts.returnSecret ? secret : '', current: !opts.returnSecret });
  emu.events.emit([`users.${user.$id}.sessions.${session.$id}.create`], body, opts.actorUserId);
  return { session, secret, body };
}

/**
 * Sets the session carriers the SDKs keep: `Set-Cookie: a_session_<project>=<secret>` (HttpOnly,
 * Path=/, expiring with the session) and `X-Fallback-Cookies: {"a_session_<project>":"<secret>"}`
 * (the web SDK stores it in `localStorage.cookieFallback` outside a browser).
 */
export function setSessionCarriers(c: Context<EmulatorEnv>, secret: string, expire: string): void {
  const name = `a_session_${c.get('emu').projectId}`;
  setCookie(c, name, secret, { httpOnly: true, path: '/', expires: new Date(expire), sameSite: 'None', secure: false });
  c.header('X-Fallback-Cookies', JSON.stringify({ [name]: secret }));
}

/** Clears the session carriers after the current session was deleted (empty fallback map, expired cookie). */
export function clearSessionCarriers(c: Context<EmulatorEnv>): void {
  const name = `a_session_${c.get('emu').projectId}`;
  setCookie(c, name, '', { httpOnly: true, path: '/', expires: new Date(0) });
  c.header('X-Fallback-Cookies', JSON.stringify({}));
}

/** The sessions of a user, oldest first (insertion order). */
export function userSessions(emu: Emulator, userId: string): SessionRecord[] {
  return [...emu.state.sessions.values()].filter((s) => s.userId === userId);
}

/**
 * Deletes sessions and emits `users.<id>.sessions.<sid>.delete` for each (payload: the Session
 * model without its secret). Marks the state changed once.
 */
export function deleteSessions(emu: Emulator, sessions: SessionRecord[], actorUserId: string): void {
  if (sessions.length === 0) return;
  for (const s of sessions) {
    emu.state.sessions.delete(s.$id);
    const user = emu.state.users.get(s.userId);
    emu.events.emit([`users.${s.userId}.sessions.${s.$id}.delete`], sessionModel(s, user), actorUserId);
  }
  emu.changed();
}

/** Emits `users.<id>.<suffix>` with the full User model (password hash included, as Appwrite's payload). */
export function emitUserEvent(emu: Emulator, user: UserRecord, suffix: string, actorUserId = ''): void {
  emu.events.emit([`users.${user.$id}.${suffix}`], userModel(user, true), actorUserId);
}
