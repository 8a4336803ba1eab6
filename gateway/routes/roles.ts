/**
 * `/api/v1/roles` (custom roles, stored in the Appwrite `roles` table) and `/api/v1/authz/check`
 * (a dry run of "may user X do Y in store Z", with the reason).
 *
 * Rules (core/rbac `checkRoleChange`): built-in roles cannot be changed or deleted (SuperAdmin
 * least of all), nobody defines a role at or above their own level or with permissions they do
 * not hold, a role is deleted only when no staff member holds it.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Query } from 'node-appwrite';
import { AppError } from '../../core/errors.js';
import { authorize, checkRoleChange, compileRole, isBuiltInRoleName, parseCustomRole, parsePermission, type CompiledRole } from '../../core/rbac/index.js';
import { isAppwriteError, toAppError } from '../../infra/appwrite.js';
import { audit } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import { createRouter, defineRoute, z } from '../openapi.js';
import { enforce, loadTarget, userServices } from './users-access.js';

const RoleSchema = z
  .object({ name: z.string(), title: z.string(), level: z.number().int(), builtIn: z.boolean(), mayBeGlobal: z.boolean(), permissions: z.array(z.string()), grants: z.array(z.string()) })
  .openapi('Role');
const RoleBody = z
  .object({ name: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/), title: z.string().trim().min(1).max(64).optional(), level: z.number().int().min(1).max(99), permissions: z.array(z.string().max(64)).max(200) })
  .strict()
  .openapi('RoleInput');
const RoleUpdateBody = RoleBody.omit({ name: true }).openapi('RoleUpdate');
const NameParam = z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/) });
const CheckBody = z
  .object({ userId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/), permission: z.string().max(64), storeId: z.string().max(36).optional() })
  .strict()
  .openapi('AuthzCheck');
const CheckResult = z
  .object({ allowed: z.boolean(), permission: z.string(), grant: z.string().nullable(), scope: z.enum(['global', 'store']).nullable(), reason: z.string().nullable(), role: z.string() })
  .openapi('AuthzDecision');
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

const view = (r: CompiledRole) => ({ name: r.name, title: r.title, level: r.level, builtIn: r.builtIn, mayBeGlobal: r.mayBeGlobal, permissions: [...r.permissions], grants: [...r.grants] });

const list = defineRoute({ kind: 'permission', permission: 'roles:read' }, { method: 'get', path: '/roles', tags: ['roles'], summary: 'Every role with its level and effective permissions', responses: { 200: { description: 'Roles', ...json(z.object({ roles: z.array(RoleSchema) })) } } });
const create = defineRoute({ kind: 'permission', permission: 'roles:write' }, { method: 'post', path: '/roles', tags: ['roles'], summary: 'Create a custom role (level below yours, permissions within yours)', request: { body: { ...json(RoleBody), required: true } }, responses: { 201: { description: 'Created', ...json(RoleSchema) }, 409: { description: 'CONFLICT: the name exists' } } });
const update = defineRoute({ kind: 'permission', permission: 'roles:write' }, { method: 'put', path: '/roles/{name}', tags: ['roles'], summary: 'Replace a custom role\'s title, level and permissions', request: { params: NameParam, body: { ...json(RoleUpdateBody), required: true } }, responses: { 200: { description: 'Updated', ...json(RoleSchema) }, 404: { description: 'NOT_FOUND' } } });
const remove = defineRoute({ kind: 'permission', permission: 'roles:delete' }, { method: 'delete', path: '/roles/{name}', tags: ['roles'], summary: 'Delete a custom role no staff member holds', request: { params: NameParam }, responses: { 204: { description: 'Deleted' }, 404: { description: 'NOT_FOUND' } } });
const check = defineRoute({ kind: 'permission', permission: 'roles:read' }, { method: 'post', path: '/authz/check', tags: ['roles'], summary: 'Dry run: may user X do permission Y (in store Z)? Returns the decision and why', request: { body: { ...json(CheckBody), required: true } }, responses: { 200: { description: 'Decision', ...json(CheckResult) } } });

function definitionOf(body: z.infer<typeof RoleBody>): CompiledRole {
  const parsed = parseCustomRole({ name: body.name, level: body.level, permissions: body.permissions, ...(body.title ? { title: body.title } : {}) });
  if (!parsed.ok) throw new AppError('VALIDATION_FAILED', 'The role is invalid.', { details: { issues: parsed.error.issues } });
  return compileRole(parsed.value);
}

export function roleRoutes(): OpenAPIHono<GatewayEnv> {
  const app = createRouter();

  app.openapi(list, (c) => c.json({ roles: userServices(c).roles!.current().list().map(view) }, 200));

  app.openapi(create, async (c) => {
    const s = userServices(c);
    const body = c.req.valid('json');
    if (isBuiltInRoleName(body.name) || s.roles!.current().get(body.name)) throw new AppError('CONFLICT', `A role named "${body.name}" exists.`);
    const next = definitionOf(body);
    await enforce(c, checkRoleChange(c.get('user')!.actor, { action: 'create', next }));
    await s.appwrite.tablesDB.createRow({ databaseId: s.databaseId, tableId: 'roles', rowId: body.name, data: { name: body.name, level: body.level, permissions: body.permissions, builtIn: false, description: body.title ?? body.name } }).catch((e: unknown) => {
      throw toAppError(e, 'role');
    });
    await s.roles!.refresh();
    await audit(c, { action: 'role.created', outcome: 'success', reason: 'custom role', target: { type: 'role', id: body.name }, changes: { permissions: { after: body.permissions }, level: { after: body.level } } });
    return c.json(view(s.roles!.current().get(body.name) ?? next), 201);
  });

  app.openapi(update, async (c) => {
    const s = userServices(c);
    const { name } = c.req.valid('param');
    const body = c.req.valid('json');
    const target = s.roles!.current().get(name);
    if (!target) throw new AppError('NOT_FOUND', `No role named "${name}".`);
    // Built-in roles are refused by the management rules before their input is even parsed.
    if (target.builtIn) await enforce(c, checkRoleChange(c.get('user')!.actor, { action: 'update', target, next: target }));
    const next = definitionOf({ ...body, name });
    await enforce(c, checkRoleChange(c.get('user')!.actor, { action: 'update', target, next }));
    await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'roles', rowId: name, data: { level: body.level, permissions: body.permissions, description: body.title ?? name } }).catch((e: unknown) => {
      throw toAppError(e, 'role');
    });
    await s.roles!.refresh();
    await audit(c, { action: 'role.updated', outcome: 'success', reason: 'custom role', target: { type: 'role', id: name }, changes: { permissions: { before: [...target.grants], after: body.permissions }, level: { before: target.level, after: body.level } } });
    return c.json(view(s.roles!.current().get(name) ?? next), 200);
  });

  app.openapi(remove, async (c) => {
    const s = userServices(c);
    const { name } = c.req.valid('param');
    const target = s.roles!.current().get(name);
    if (!target) throw new AppError('NOT_FOUND', `No role named "${name}".`);
    const holders = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'staff', queries: [Query.equal('role', name), Query.limit(1)] });
    await enforce(c, checkRoleChange(c.get('user')!.actor, { action: 'delete', target, assignedUsers: holders.total }));
    await s.appwrite.tablesDB.deleteRow({ databaseId: s.databaseId, tableId: 'roles', rowId: name }).catch((e: unknown) => {
      if (!isAppwriteError(e, 'row_not_found')) throw toAppError(e, 'role');
    });
    await s.roles!.refresh();
    await audit(c, { action: 'role.deleted', outcome: 'success', reason: 'custom role', target: { type: 'role', id: name } });
    return c.body(null, 204);
  });

  app.openapi(check, async (c) => {
    const body = c.req.valid('json');
    const permission = parsePermission(body.permission);
    if (!permission.ok) throw new AppError('VALIDATION_FAILED', permission.error.message, { details: { permission: body.permission } });
    const { profile } = await loadTarget(c, body.userId);
    const actor = userServices(c).actors.actorOf(profile);
    const d = authorize(actor, permission.value, body.storeId === undefined ? undefined : { storeId: body.storeId });
    return c.json(
      d.allowed
        ? { allowed: true, permission: body.permission, grant: d.grant, scope: d.scope, reason: null, role: actor.role.name }
        : { allowed: false, permission: body.permission, grant: null, scope: null, reason: d.reason, role: actor.role.name },
      200,
    );
  });

  return app;
}
