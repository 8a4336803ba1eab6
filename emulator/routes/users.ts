/**
 * Appwrite 1.9 Users API (server side, API key): create and import users, get, list with
 * queries/search/total, update name, email, phone, password, status, labels and prefs, delete.
 * Sessions, tokens, JWTs and logs live in `users-sessions.ts`. Scopes are those of the spec
 * (`operations['POST /users'].server.scope` ...): `users.read` / `users.write`.
 * Every successful write emits its `users.<id>.*` event with the User model (password hash
 * included, as Appwrite's payload) and calls `emu.changed()`.
 * @module
 */
import { Hono, type Context } from 'hono';
import type { EmulatorEnv } from '../context.js';
import { requireScope } from '../auth.js';
import { fail, invalidParam } from '../errors.js';
import { bool, queryArray, queryParams, readBody, str, type Params } from '../params.js';
import type { UserRecord } from '../state.js';
import { isoNow, resolveId } from '../util.js';
import { userModel } from '../users/models.js';
import { hashPassword, importedOptions, SHA_VERSIONS, type ShaVersion, type StoredPassword } from '../users/passwords.js';
import { parseUsersQueries, runUsersQuery } from '../users/query.js';
import { deleteSessions, emitUserEvent, userSessions } from '../users/sessions.js';
import { conflictingUser, emailParam, labelsParam, nameParam, passwordParam, pathUser, phoneParam, prefsParam } from '../users/validate.js';
import { registerUserSessionRoutes } from './users-sessions.js';

const ALREADY_EXISTS = 'A user with the same id, email, or phone already exists in this project.';

function insertUser(c: Context<EmulatorEnv>, p: Params, email: string | undefined, phone: string | undefined, stored: StoredPassword | null): UserRecord {
  const emu = c.get('emu');
  const id = resolveId('userId', p.userId);
  const name = nameParam(p) ?? '';
  const users = emu.state.users;
  if (users.has(id) || (email && conflictingUser(users.values(), null, 'email', email)) || (phone && conflictingUser(users.values(), null, 'phone', phone))) {
    fail('user_already_exists', ALREADY_EXISTS);
  }
  const now = isoNow();
  const user: UserRecord = {
    $id: id,
    $createdAt: now,
    $updatedAt: now,
    name,
    email: email ?? '',
    phone: phone ?? '',
    status: true,
    labels: [],
    prefs: {},
    emailVerification: false,
    phoneVerification: false,
    mfa: false,
    registration: now,
    passwordUpdate: stored ? now : '',
    accessedAt: '',
    password: stored?.password ?? null,
    // A user without a password still records the default proof (Appwrite's `createUser`).
    hash: stored?.hash ?? 'argon2',
    hashOptions: stored?.hashOptions ?? importedOptions('argon2').hashOptions,
  };
  users.set(id, user);
  emu.changed();
  emitUserEvent(emu, user, 'create');
  return user;
}

/** Handler of the hash-import endpoints (`/users/bcrypt`, `/users/md5`, ...): email and hash are required. */
function importRoute(algo: 'bcrypt' | 'md5' | 'phpass' | 'argon2' | 'sha') {
  return async (c: Context<EmulatorEnv>) => {
    const p = await readBody(c);
    resolveId('userId', p.userId);
    const email = emailParam(p, 'email');
    const hashValue = passwordParam(p, 'password')!;
    let version: ShaVersion | undefined;
    if (algo === 'sha') {
      const v = str(p, 'passwordVersion');
      if (v !== undefined && v !== '') {
        if (!(SHA_VERSIONS as readonly string[]).includes(v)) throw invalidParam('passwordVersion', `Value must be one of (${SHA_VERSIONS.join(', ')})`);
        version = v as ShaVersion;
      }
    }
    const user = insertUser(c, p, email, undefined, { password: hashValue, ...importedOptions(algo, version) });
    return c.json(userModel(user, true), 201);
  };
}

function touch(c: Context<EmulatorEnv>, user: UserRecord, event: string): Response {
  const emu = c.get('emu');
  user.$updatedAt = isoNow();
  emu.changed();
  emitUserEvent(emu, user, event);
  return c.json(userModel(user, true), 200);
}

/** Mounts `/v1/users`. */
export function userRoutes(): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  const read = requireScope('users.read');
  const write = requireScope('users.write');

  /** `POST /users` (201 user): userId, email?, phone?, password? (8–256, hashed with argon2id), name?. 409 `user_already_exists`. */
  app.post('/', write, async (c) => {
    const p = await readBody(c);
    resolveId('userId', p.userId);
    const email = p.email === null ? undefined : emailParam(p, 'email', { optional: true });
    const phone = p.phone === null ? undefined : phoneParam(p, 'phone', { optional: true });
    const plain = passwordParam(p, 'password', { optional: true });
    nameParam(p);
    const stored = plain ? await hashPassword(plain) : null;
    const user = insertUser(c, p, email, phone, stored);
    return c.json(userModel(user, true), 201);
  });
  app.post('/bcrypt', write, importRoute('bcrypt'));
  app.post('/md5', write, importRoute('md5'));
  app.post('/argon2', write, importRoute('argon2'));
  app.post('/sha', write, importRoute('sha'));
  app.post('/phpass', write, importRoute('phpass'));

  /** `GET /users` (200 userList): queries[], search (≤256 chars), total (false → 0). */
  app.get('/', read, (c) => {
    const qp = queryParams(c);
    const search = str(qp, 'search', { max: 256 }) ?? '';
    const includeTotal = bool(qp, 'total') ?? true;
    const q = parseUsersQueries(queryArray(c, 'queries') ?? []);
    const { page, total } = runUsersQuery([...c.get('emu').state.users.values()], q, search.trim(), includeTotal);
    return c.json({ total, users: page.map((u) => userModel(u, true)) }, 200);
  });

  /** `GET /users/{userId}` (200 user); 404 `user_not_found`. */
  app.get('/:userId', read, (c) => c.json(userModel(pathUser(c), true), 200));

  /** `DELETE /users/{userId}` (204): also deletes the user's sessions and tokens. Event `users.<id>.delete`. */
  app.delete('/:userId', write, (c) => {
    const emu = c.get('emu');
    const user = pathUser(c);
    deleteSessions(emu, userSessions(emu, user.$id), '');
    for (const [id, t] of emu.state.tokens) if (t.userId === user.$id) emu.state.tokens.delete(id);
    emu.state.users.delete(user.$id);
    emu.changed();
    emitUserEvent(emu, user, 'delete');
    return c.body(null, 204);
  });

  /** `PATCH /users/{userId}/name` (200 user): name ≤128 chars. Event `users.<id>.update.name`. */
  app.patch('/:userId/name', write, async (c) => {
    const p = await readBody(c);
    const user = pathUser(c);
    user.name = nameParam(p, { required: true })!;
    return touch(c, user, 'update.name');
  });

  /** `PATCH /users/{userId}/email` (200 user): email ('' clears); resets emailVerification. 409 `user_target_already_exists` when another user has it. */
  app.patch('/:userId/email', write, async (c) => {
    const p = await readBody(c);
    const user = pathUser(c);
    const email = emailParam(p, 'email', { allowEmpty: true })!;
    if (conflictingUser(c.get('emu').state.users.values(), user.$id, 'email', email)) {
      fail('user_target_already_exists', 'A target with the same ID already exists.');
    }
    user.email = email;
    user.emailVerification = false;
    return touch(c, user, 'update.email');
  });

  /** `PATCH /users/{userId}/phone` (200 user): number in E.164 ('' clears). 409 `user_target_already_exists`. */
  app.patch('/:userId/phone', write, async (c) => {
    const p = await readBody(c);
    const user = pathUser(c);
    const phone = phoneParam(p, 'number', { allowEmpty: true })!;
    if (conflictingUser(c.get('emu').state.users.values(), user.$id, 'phone', phone)) {
      fail('user_target_already_exists', 'A target with the same ID already exists.');
    }
    user.phone = phone;
    user.phoneVerification = false;
    return touch(c, user, 'update.phone');
  });

  /** `PATCH /users/{userId}/password` (200 user): password 8–256 chars, rehashed with argon2id; '' removes it. */
  app.patch('/:userId/password', write, async (c) => {
    const p = await readBody(c);
    const user = pathUser(c);
    const plain = str(p, 'password', { required: true, allowEmpty: true })!;
    if (plain === '') {
      user.password = '';
    } else {
      const stored = await hashPassword(passwordParam(p, 'password')!);
      Object.assign(user, stored);
    }
    user.passwordUpdate = isoNow();
    return touch(c, user, 'update.password');
  });

  /** `PATCH /users/{userId}/status` (200 user): status boolean; false blocks sign-in and every client call. */
  app.patch('/:userId/status', write, async (c) => {
    const p = await readBody(c);
    const user = pathUser(c);
    user.status = bool(p, 'status', { required: true })!;
    return touch(c, user, 'update.status');
  });

  /** `PUT /users/{userId}/labels` (200 user): labels replaced as a whole. Event `users.<id>.update.labels`. */
  app.put('/:userId/labels', write, async (c) => {
    const p = await readBody(c);
    const user = pathUser(c);
    user.labels = labelsParam(p);
    return touch(c, user, 'update.labels');
  });

  /** `GET /users/{userId}/prefs` (200 preferences). */
  app.get('/:userId/prefs', read, (c) => c.json({ ...pathUser(c).prefs }, 200));

  /** `PATCH /users/{userId}/prefs` (200 preferences): prefs object replaces the old one. Event payload: the User model. */
  app.patch('/:userId/prefs', write, async (c) => {
    const p = await readBody(c);
    const user = pathUser(c);
    user.prefs = prefsParam(p);
    touch(c, user, 'update.prefs');
    return c.json({ ...user.prefs }, 200);
  });

  registerUserSessionRoutes(app, read, write);
  return app;
}
