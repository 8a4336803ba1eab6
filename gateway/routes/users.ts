/**
 * `/api/v1/users/*`: staff management. Every change passes the RBAC management rules of
 * core/rbac (nobody manages a user at or above their own level, nobody changes their own role,
 * nobody grants what they do not hold, store-scoped managers stay in their stores, only a
 * SuperAdmin hard-deletes) and is audited with its before/after values.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Query } from 'node-appwrite';
import { AppError } from '../../core/errors.js';
import { checkUserChange, isGlobalActor } from '../../core/rbac/index.js';
import type { StaffRow } from '../../infra/actor-resolver.js';
import { isAppwriteError, toAppError } from '../../infra/appwrite.js';
import { createStaff, deleteStaff, setStaffActive, updateStaff } from '../../infra/staff/directory.js';
import { audit } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import { replyJsonText, type JsonReply } from '../http.js';
import { requireInStore } from '../middleware/guard.js';
import { createRouter, defineRoute } from '../openapi.js';
import { accessOf, endStaffSessions, enforce, loadTarget, userServices } from './users-access.js';
import { CreateUserBody, DeleteQuery, PasswordBody, StaffUser, StatusBody, UpdateUserBody, UserIdParam, UserList, UserListQuery } from './users-schemas.js';

type Row = StaffRow;
const view = (r: Row) => ({
  id: r.$id,
  email: String(r.email ?? ''),
  name: String(r.displayName ?? ''),
  role: String(r.role ?? ''),
  storeId: String(r.storeId ?? ''),
  active: r.isActive !== false,
  lastLoginAt: typeof r.lastLoginAt === 'string' ? r.lastLoginAt : null,
  createdAt: r.$createdAt,
});
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

const list = defineRoute({ kind: 'permission', permission: 'users:read' }, {
  method: 'get', path: '/users', tags: ['users'], summary: 'List staff (filters role, store, status, search; cursor or page pagination)',
  description: 'A store-scoped caller sees only the staff of their stores.',
  request: { query: UserListQuery }, responses: { 200: { description: 'Staff', ...json(UserList) } },
});
const get = defineRoute({ kind: 'permission', permission: 'users:read' }, {
  method: 'get', path: '/users/{id}', tags: ['users'], summary: 'One staff member',
  request: { params: UserIdParam }, responses: { 200: { description: 'Staff member', ...json(StaffUser) }, 404: { description: 'NOT_FOUND' } },
});
const create = defineRoute({ kind: 'permission', permission: 'users:create' }, {
  method: 'post', path: '/users', tags: ['users'], summary: 'Create a staff member (Appwrite user + profile + labels, all or nothing)',
  request: { body: { ...json(CreateUserBody), required: true } },
  responses: { 201: { description: 'Created', ...json(StaffUser) }, 409: { description: 'CONFLICT: email or id taken' } },
});
const update = defineRoute({ kind: 'permission', permission: 'users:write' }, {
  method: 'patch', path: '/users/{id}', tags: ['users'], summary: 'Change name, role or store (role changes need roles:assign); ends the user\'s sessions on a role or store change',
  request: { params: UserIdParam, body: { ...json(UpdateUserBody), required: true } },
  responses: { 200: { description: 'Updated', ...json(StaffUser) }, 404: { description: 'NOT_FOUND' } },
});
const status = defineRoute({ kind: 'permission', permission: 'users:write' }, {
  method: 'put', path: '/users/{id}/status', tags: ['users'], summary: 'Deactivate (block in Appwrite, end sessions) or reactivate',
  request: { params: UserIdParam, body: { ...json(StatusBody), required: true } },
  responses: { 200: { description: 'Status set', ...json(StaffUser) }, 404: { description: 'NOT_FOUND' } },
});
const remove = defineRoute({ kind: 'permission', permission: 'users:delete' }, {
  method: 'delete', path: '/users/{id}', tags: ['users'], summary: 'Deactivate, or with `hard=true` erase (SuperAdmin only)',
  request: { params: UserIdParam, query: DeleteQuery }, responses: { 204: { description: 'Done' }, 404: { description: 'NOT_FOUND' } },
});
const password = defineRoute({ kind: 'authenticated' }, {
  method: 'put', path: '/users/{id}/password', tags: ['users'], summary: 'Set a password: yourself with `currentPassword`, or a lower-level user with users:write',
  request: { params: UserIdParam, body: { ...json(PasswordBody), required: true } },
  responses: { 204: { description: 'Password set; other sessions of the user end' }, 401: { description: 'INVALID_CREDENTIALS: wrong current password' } },
});

async function rowOf(c: Parameters<typeof userServices>[0], id: string): Promise<Row> {
  const s = userServices(c);
  try {
    return (await s.appwrite.tablesDB.getRow({ databaseId: s.databaseId, tableId: 'staff', rowId: id })) as unknown as Row;
  } catch (e) {
    if (isAppwriteError(e, 'row_not_found')) throw new AppError('NOT_FOUND', 'No staff member with this id.');
    throw toAppError(e, 'staff member');
  }
}

/** Awaits a write to `userId`'s staff row, then (even if it failed part way) drops this gateway's cached copies of it. */
async function forgetting(s: ReturnType<typeof userServices>, userId: string, write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } finally {
    s.actors.forgetStaff(userId);
  }
}

export function userRoutes(): OpenAPIHono<GatewayEnv> {
  const app = createRouter();

  app.openapi(list, async (c) => {
    const s = userServices(c);
    const q = c.req.valid('query');
    const actor = c.get('user')!.actor;
    const queries = [Query.limit(q.limit), Query.orderAsc('displayName')];
    if (q.role) queries.push(Query.equal('role', q.role));
    if (q.status) queries.push(Query.equal('isActive', q.status === 'active'));
    if (q.search) queries.push(Query.or([Query.contains('displayName', q.search), Query.contains('email', q.search)]));
    if (q.storeId) {
      await requireInStore(c, 'users:read', q.storeId);
      queries.push(Query.equal('storeId', q.storeId));
    } else if (!isGlobalActor(actor)) queries.push(Query.equal('storeId', [...actor.storeIds]));
    if (q.cursor) queries.push(Query.cursorAfter(q.cursor));
    else if (q.page) queries.push(Query.offset((q.page - 1) * q.limit));
    const res = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'staff', queries }).catch((e: unknown) => {
      throw isAppwriteError(e, 'general_cursor_not_found') ? new AppError('VALIDATION_FAILED', 'The cursor names no user.') : toAppError(e, 'staff');
    });
    const users = (res.rows as unknown as Row[]).map(view);
    return c.json({ total: res.total, users, nextCursor: users.length === q.limit ? users[users.length - 1]!.id : null }, 200);
  });

  // The hot read: the row comes from the resolver's short-lived cache (infra/actor-resolver.ts,
  // dropped on this gateway's writes and on epoch moves) and its answer is serialized once per
  // cached row; the store check runs on every request. With the row cached and the caller allowed,
  // it answers synchronously (no promise): the front door then answers in the same call.
  // (No closures on the cached path: each one costs an allocation per request.)
  const views = new WeakMap<StaffRow, string>();
  type UserReply = JsonReply<ReturnType<typeof view>, 200>;
  const reply = (c: Context<GatewayEnv>, row: StaffRow): UserReply => {
    let body = views.get(row);
    if (body === undefined) views.set(row, (body = JSON.stringify(view(row))));
    return replyJsonText<ReturnType<typeof view>, 200>(c, body, 200);
  };
  const answer = (c: Context<GatewayEnv>, row: StaffRow | undefined): UserReply | Promise<UserReply> => {
    if (!row) throw new AppError('NOT_FOUND', 'No staff member with this id.');
    const denied = requireInStore(c, 'users:read', String(row.storeId));
    return denied ? denied.then(() => reply(c, row)) : reply(c, row);
  };
  app.openapi(get, (c) => {
    const { id } = c.req.valid('param');
    const actors = userServices(c).actors;
    const cached = actors.cachedStaffRow(id);
    // (typed as Hono's MaybePromise<Response>: the typed-response union cannot mix sync and async)
    return (cached ? answer(c, cached) : actors.readStaffRow(id).then((row) => answer(c, row))) as Response | Promise<Response>;
  });

  app.openapi(create, async (c) => {
    const s = userServices(c);
    const body = c.req.valid('json');
    await enforce(c, checkUserChange(c.get('user')!.actor, { action: 'create', next: accessOf(c, body.role, body.storeId) }));
    const created = await createStaff(s.appwrite, s.databaseId, { email: body.email, name: body.name, role: body.role, storeId: body.storeId, ...(body.password ? { password: body.password } : {}) });
    await audit(c, { action: 'user.created', outcome: 'success', reason: 'created by an administrator', target: { type: 'user', id: created.userId }, storeId: body.storeId, changes: { role: { after: body.role }, storeId: { after: body.storeId }, email: { after: body.email } } });
    return c.json(view(created.profile as unknown as Row), 201);
  });

  app.openapi(update, async (c) => {
    const s = userServices(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { profile, managed } = await loadTarget(c, id);
    const nextRole = body.role ?? profile.role;
    const nextStore = body.storeId ?? profile.storeId;
    await enforce(c, checkUserChange(c.get('user')!.actor, { action: 'update', target: managed, next: accessOf(c, nextRole, nextStore) }), id);
    await forgetting(s, id, updateStaff(s.appwrite, s.databaseId, id, profile, body));
    const accessChanged = nextRole !== profile.role || nextStore !== profile.storeId;
    // A new role or store takes effect at once: end terminal and Appwrite sessions, bump the epoch.
    if (accessChanged) await endStaffSessions(s, id, 'revoked');
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    for (const [k, before, after] of [['name', profile.displayName, body.name], ['role', profile.role, body.role], ['storeId', profile.storeId, body.storeId]] as const) {
      if (after !== undefined && after !== before) changes[k] = { before, after };
    }
    await audit(c, { action: body.role && body.role !== profile.role ? 'user.role_changed' : 'user.updated', outcome: 'success', reason: 'updated by an administrator', target: { type: 'user', id }, storeId: nextStore, changes });
    return c.json(view(await rowOf(c, id)), 200);
  });

  app.openapi(status, async (c) => {
    const s = userServices(c);
    const { id } = c.req.valid('param');
    const { active } = c.req.valid('json');
    const { profile, managed } = await loadTarget(c, id);
    await enforce(c, checkUserChange(c.get('user')!.actor, { action: active ? 'reactivate' : 'deactivate', target: managed }), id);
    await forgetting(s, id, setStaffActive(s.appwrite, s.databaseId, id, active));
    if (!active) await endStaffSessions(s, id, 'revoked');
    else await s.epochs!.bump(id);
    await audit(c, { action: active ? 'user.status_changed' : 'user.deactivated', outcome: 'success', reason: active ? 'reactivated' : 'deactivated', target: { type: 'user', id }, storeId: profile.storeId, changes: { active: { before: profile.isActive, after: active } } });
    return c.json(view(await rowOf(c, id)), 200);
  });

  app.openapi(remove, async (c) => {
    const s = userServices(c);
    const { id } = c.req.valid('param');
    const hard = c.req.valid('query').hard === 'true';
    const { profile, managed } = await loadTarget(c, id);
    await enforce(c, checkUserChange(c.get('user')!.actor, { action: hard ? 'hard-delete' : 'delete', target: managed }), id);
    await forgetting(s, id, hard ? deleteStaff(s.appwrite, s.databaseId, id) : setStaffActive(s.appwrite, s.databaseId, id, false));
    await s.epochs!.bump(id);
    await audit(c, { action: hard ? 'user.deleted' : 'user.deactivated', outcome: 'success', reason: hard ? 'erased by a SuperAdmin' : 'deleted (deactivated)', target: { type: 'user', id }, storeId: profile.storeId });
    return c.body(null, 204);
  });

  app.openapi(password, async (c) => {
    const s = userServices(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const me = c.get('user')!;
    const self = id === me.actor.userId;
    if (self) {
      if (!body.currentPassword) throw new AppError('VALIDATION_FAILED', 'Send currentPassword to change your own password.');
      const user = await s.appwrite.users.get({ userId: id });
      try {
        const check = await s.appwrite.guestAccount().createEmailPasswordSession({ email: user.email, password: body.currentPassword });
        await s.appwrite.users.deleteSession({ userId: id, sessionId: check.$id });
      } catch (e) {
        if (isAppwriteError(e, 'user_invalid_credentials')) throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong.');
        throw toAppError(e, 'password');
      }
    } else {
      const { managed } = await loadTarget(c, id);
      await enforce(c, checkUserChange(me.actor, { action: 'update', target: managed, next: managed }), id);
    }
    await s.appwrite.users.updatePassword({ userId: id, password: body.password }).catch((e: unknown) => {
      throw toAppError(e, 'password');
    });
    // Other sessions end (a reset by an administrator ends all of them).
    const sessions = await s.appwrite.users.listSessions({ userId: id });
    for (const x of sessions.sessions) if (!(self && x.$id === me.verified.sessionId)) await s.appwrite.users.deleteSession({ userId: id, sessionId: x.$id });
    await s.epochs!.bump(id);
    await audit(c, { action: 'user.password_changed', outcome: 'success', reason: self ? 'changed by the user' : 'reset by an administrator', target: { type: 'user', id } });
    return c.body(null, 204);
  });

  return app;
}
