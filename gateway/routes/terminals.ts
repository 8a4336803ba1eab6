/**
 * `/api/v1/terminals`: shared tills. A Manager+ of the store creates a terminal and gets a
 * single-use enrollment code (10 minutes); the device redeems it once for its credential
 * (`terminalId` + secret, shown once, stored only as SHA-256). PIN login is accepted only from an
 * enrolled, active terminal (see `auth/pin-login`).
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Query } from 'node-appwrite';
import { AppError } from '../../core/errors.js';
import { isGlobalActor } from '../../core/rbac/index.js';
import { toAppError } from '../../infra/appwrite.js';
import { createTerminal, secretDigest } from '../../infra/staff/terminals.js';
import { audit, auditQuietly } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import { requireInStore } from '../middleware/guard.js';
import { createRouter, defineRoute, z } from '../openapi.js';
import { loadTerminalInStore } from './terminal-access.js';
import { userServices } from './users-access.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/);
const Policy = z.object({ idleLockMinutes: z.number().int(), lockAfterSale: z.boolean(), allowedRoles: z.array(z.string()) }).openapi('TerminalPolicy');
const Terminal = z.object({ id: z.string(), storeId: z.string(), name: z.string(), status: z.enum(['pending', 'active', 'disabled']), policy: Policy, lastSeenAt: z.string().nullable() }).openapi('Terminal');
const CreateBody = z
  .object({ storeId: id, name: z.string().trim().min(1).max(128), idleLockMinutes: z.number().int().min(0).max(1440).optional(), lockAfterSale: z.boolean().optional(), allowedRoles: z.array(z.string().max(36)).max(20).optional() })
  .strict()
  .openapi('CreateTerminal');
const Created = z.object({ terminalId: z.string(), enrollmentCode: z.string(), expiresAt: z.string() }).openapi('TerminalEnrollmentCode');
const EnrollBody = z.object({ code: z.string().trim().min(8).max(32), deviceInfo: z.string().max(1024).optional() }).strict().openapi('EnrollTerminal');
const Enrolled = z.object({ terminalId: z.string(), secret: z.string(), storeId: z.string(), name: z.string(), policy: Policy }).openapi('TerminalCredential');
const StatusBody = z.object({ status: z.enum(['active', 'disabled']) }).strict();
const RenameBody = z
  .object({ name: z.string().trim().min(1).max(128).optional(), idleLockMinutes: z.number().int().min(0).max(1440).optional(), lockAfterSale: z.boolean().optional(), allowedRoles: z.array(z.string().max(36)).max(20).optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one field')
  .openapi('UpdateTerminal');
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

const create = defineRoute({ kind: 'permission', permission: 'terminals:enroll' }, { method: 'post', path: '/terminals', tags: ['terminals'], summary: 'Create a terminal and a single-use enrollment code (valid 10 minutes)', request: { body: { ...json(CreateBody), required: true } }, responses: { 201: { description: 'Code (shown once)', ...json(Created) } } });
const enroll = defineRoute({ kind: 'public', limit: 'credentials' }, { method: 'post', path: '/terminals/enroll', tags: ['terminals'], summary: 'Redeem an enrollment code for the terminal credential (shown once)', request: { body: { ...json(EnrollBody), required: true } }, responses: { 200: { description: 'Credential', ...json(Enrolled) } } });
const list = defineRoute({ kind: 'permission', permission: 'terminals:read' }, { method: 'get', path: '/terminals', tags: ['terminals'], summary: 'Terminals of the caller\'s stores', request: { query: z.object({ storeId: id.optional() }) }, responses: { 200: { description: 'Terminals', ...json(z.object({ terminals: z.array(Terminal) })) } } });
const setStatus = defineRoute({ kind: 'permission', permission: 'terminals:disable' }, { method: 'put', path: '/terminals/{id}/status', tags: ['terminals'], summary: 'Disable or re-enable a terminal', request: { params: z.object({ id }), body: { ...json(StatusBody), required: true } }, responses: { 200: { description: 'Updated', ...json(Terminal) }, 404: { description: 'NOT_FOUND' } } });

const update = defineRoute({ kind: 'permission', permission: 'terminals:enroll' }, { method: 'patch', path: '/terminals/{id}', tags: ['terminals'], summary: 'Rename a terminal or change its policy', request: { params: z.object({ id }), body: { ...json(RenameBody), required: true } }, responses: { 200: { description: 'Updated', ...json(Terminal) }, 404: { description: 'NOT_FOUND' } } });
const rotate = defineRoute({ kind: 'permission', permission: 'terminals:enroll' }, { method: 'post', path: '/terminals/{id}/rotate', tags: ['terminals'], summary: 'Rotate the terminal credential: the old secret stops working, the new one is shown once', request: { params: z.object({ id }) }, responses: { 200: { description: 'New credential', ...json(Enrolled) }, 404: { description: 'NOT_FOUND' } } });

const view = (r: Record<string, unknown>) => ({
  id: String(r.$id), storeId: String(r.storeId), name: String(r.name), status: r.status as 'pending' | 'active' | 'disabled',
  policy: { idleLockMinutes: Number(r.idleLockMinutes ?? 5), lockAfterSale: r.lockAfterSale === true, allowedRoles: (r.allowedRoles as string[] | undefined) ?? [] },
  lastSeenAt: typeof r.lastSeenAt === 'string' ? r.lastSeenAt : null,
});

export function terminalRoutes(): OpenAPIHono<GatewayEnv> {
  const app = createRouter();

  app.openapi(create, async (c) => {
    const s = userServices(c);
    const body = c.req.valid('json');
    await requireInStore(c, 'terminals:enroll', body.storeId);
    const t = await createTerminal(s.appwrite, s.databaseId, { storeId: body.storeId, name: body.name, ...(body.idleLockMinutes === undefined ? {} : { idleLockMinutes: body.idleLockMinutes }), ...(body.lockAfterSale === undefined ? {} : { lockAfterSale: body.lockAfterSale }), ...(body.allowedRoles ? { allowedRoles: body.allowedRoles } : {}) });
    await audit(c, { action: 'terminal.created', outcome: 'success', reason: 'enrollment code issued', target: { type: 'terminal', id: t.terminalId }, storeId: body.storeId, terminalId: t.terminalId });
    return c.json(t, 201);
  });

  app.openapi(enroll, async (c) => {
    const s = userServices(c);
    const { code, deviceInfo } = c.req.valid('json');
    const found = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'terminals', queries: [Query.equal('enrollmentCodeHash', secretDigest(code.toUpperCase())), Query.limit(1)] }).catch((e: unknown) => {
      throw toAppError(e, 'terminal');
    });
    const row = found.rows[0] as unknown as Record<string, unknown> | undefined;
    const expired = !row || row.status !== 'pending' || Date.parse(String(row.enrollmentExpiresAt ?? '')) <= Date.now();
    if (expired) {
      await auditQuietly(c, { action: 'terminal.enrolled', outcome: 'failure', reason: 'ENROLLMENT_CODE_INVALID', actor: { type: 'system', id: 'anonymous' } });
      throw new AppError('ENROLLMENT_CODE_INVALID', 'The enrollment code is unknown, used or expired; ask a Manager for a new one.');
    }
    const secret = randomBytes(32).toString('base64url');
    const terminalId = String(row.$id);
    // The code is cleared in the same write that activates the terminal: it cannot be redeemed twice.
    await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'terminals', rowId: terminalId, data: { status: 'active', credentialHash: secretDigest(secret), enrollmentCodeHash: null, enrollmentExpiresAt: null, ...(deviceInfo ? { deviceInfo } : {}), lastSeenAt: new Date().toISOString() } }).catch((e: unknown) => {
      throw toAppError(e, 'terminal');
    });
    await audit(c, { action: 'terminal.enrolled', outcome: 'success', reason: 'enrollment code redeemed', actor: { type: 'terminal', id: terminalId }, target: { type: 'terminal', id: terminalId }, storeId: String(row.storeId), terminalId });
    const v = view(row);
    return c.json({ terminalId, secret, storeId: v.storeId, name: v.name, policy: v.policy }, 200);
  });

  app.openapi(list, async (c) => {
    const s = userServices(c);
    const { storeId } = c.req.valid('query');
    const actor = c.get('user')!.actor;
    const queries = [Query.limit(500)];
    if (storeId) {
      await requireInStore(c, 'terminals:read', storeId);
      queries.push(Query.equal('storeId', storeId));
    } else if (!isGlobalActor(actor)) queries.push(Query.equal('storeId', [...actor.storeIds]));
    const res = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'terminals', queries });
    return c.json({ terminals: (res.rows as unknown as Record<string, unknown>[]).map(view) }, 200);
  });

  app.openapi(setStatus, async (c) => {
    const s = userServices(c);
    const { id: terminalId } = c.req.valid('param');
    const { status } = c.req.valid('json');
    const row = await loadTerminalInStore(c, terminalId, 'terminals:disable');
    if (row.status === 'pending') throw new AppError('TERMINAL_NOT_ENROLLED', 'Enroll the terminal first.');
    const updated = await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'terminals', rowId: terminalId, data: { status } });
    c.get('services')!.forgetTerminal?.(terminalId);
    await audit(c, { action: status === 'disabled' ? 'terminal.disabled' : 'terminal.unlocked', outcome: 'success', reason: `status ${status}`, target: { type: 'terminal', id: terminalId }, storeId: String(row.storeId), terminalId, changes: { status: { before: row.status, after: status } } });
    return c.json(view(updated as unknown as Record<string, unknown>), 200);
  });


  app.openapi(update, async (c) => {
    const s = userServices(c);
    const { id: terminalId } = c.req.valid('param');
    const body = c.req.valid('json');
    const row = await loadTerminalInStore(c, terminalId, 'terminals:enroll');
    const updated = await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'terminals', rowId: terminalId, data: body });
    c.get('services')!.forgetTerminal?.(terminalId);
    await audit(c, { action: 'terminal.renamed', outcome: 'success', reason: 'terminal updated', target: { type: 'terminal', id: terminalId }, storeId: String(row.storeId), terminalId, changes: Object.fromEntries(Object.entries(body).map(([k, v]) => [k, { before: row[k] ?? null, after: v }])) });
    return c.json(view(updated as unknown as Record<string, unknown>), 200);
  });

  app.openapi(rotate, async (c) => {
    const s = userServices(c);
    const { id: terminalId } = c.req.valid('param');
    const row = await loadTerminalInStore(c, terminalId, 'terminals:enroll');
    if (row.status === 'pending') throw new AppError('TERMINAL_NOT_ENROLLED', 'Enroll the terminal first.');
    const secret = randomBytes(32).toString('base64url');
    await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'terminals', rowId: terminalId, data: { credentialHash: secretDigest(secret) } });
    c.get('services')!.forgetTerminal?.(terminalId);
    await audit(c, { action: 'terminal.credential_rotated', outcome: 'success', reason: 'credential rotated', target: { type: 'terminal', id: terminalId }, storeId: String(row.storeId), terminalId });
    const v = view(row);
    return c.json({ terminalId, secret, storeId: v.storeId, name: v.name, policy: v.policy }, 200);
  });

  return app;
}
