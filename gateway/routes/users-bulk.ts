/**
 * `POST /api/v1/users/bulk` (create up to 500 staff members, one result per item, each checked
 * by the management rules and created all-or-nothing on its own) and
 * `GET /api/v1/users/export?format=csv|json` (streamed, page by page; store-scoped callers get
 * their stores only). Mounted before `users.ts` so these static paths win over `/users/{id}`.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'csv-stringify';
import { stream } from 'hono/streaming';
import { Query } from 'node-appwrite';
import { AppError, toErrorEnvelope } from '../../core/errors.js';
import { checkUserChange, isGlobalActor } from '../../core/rbac/index.js';
import { createStaff } from '../../infra/staff/directory.js';
import { audit } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import { createRouter, defineRoute, z } from '../openapi.js';
import { accessOf, userServices } from './users-access.js';
import { CreateUserBody } from './users-schemas.js';

/** Most users per bulk request. */
export const BULK_MAX = 500;

const BulkBody = z.object({ users: z.array(CreateUserBody).min(1).max(BULK_MAX) }).strict().openapi('BulkCreateUsers');
const BulkResult = z
  .object({
    created: z.number().int(),
    failed: z.number().int(),
    results: z.array(z.object({ index: z.number().int(), ok: z.boolean(), id: z.string().optional(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
  })
  .openapi('BulkCreateResult');
const ExportQuery = z.object({ format: z.enum(['csv', 'json']).default('csv') });

const bulk = defineRoute({ kind: 'permission', permission: 'users:create' }, {
  method: 'post', path: '/users/bulk', tags: ['users'], summary: `Create up to ${BULK_MAX} staff members; one result per item`,
  request: { body: { content: { 'application/json': { schema: BulkBody } }, required: true } },
  responses: { 200: { description: 'Per-item results', content: { 'application/json': { schema: BulkResult } } } },
});
const exportUsers = defineRoute({ kind: 'permission', permission: 'users:export' }, {
  method: 'get', path: '/users/export', tags: ['users'], summary: 'Export staff as CSV or JSON (streamed)',
  request: { query: ExportQuery },
  responses: { 200: { description: 'The export', content: { 'text/csv': { schema: z.string() }, 'application/json': { schema: z.array(z.record(z.string(), z.unknown())) } } } },
});

const COLUMNS = ['id', 'email', 'name', 'role', 'storeId', 'active', 'lastLoginAt', 'createdAt'] as const;

export function userBulkRoutes(): OpenAPIHono<GatewayEnv> {
  const app = createRouter();

  app.openapi(bulk, async (c) => {
    const s = userServices(c);
    const actor = c.get('user')!.actor;
    const results: z.infer<typeof BulkResult>['results'] = [];
    for (const [index, u] of c.req.valid('json').users.entries()) {
      try {
        const verdict = checkUserChange(actor, { action: 'create', next: accessOf(c, u.role, u.storeId) });
        if (!verdict.ok) throw new AppError(verdict.rule === 'MISSING_PERMISSION' ? 'INSUFFICIENT_PERMISSIONS' : 'FORBIDDEN', verdict.message);
        const created = await createStaff(s.appwrite, s.databaseId, { email: u.email, name: u.name, role: u.role, storeId: u.storeId, ...(u.password ? { password: u.password } : {}) });
        await audit(c, { action: 'user.created', outcome: 'success', reason: 'bulk creation', target: { type: 'user', id: created.userId }, storeId: u.storeId, changes: { role: { after: u.role }, storeId: { after: u.storeId } } });
        results.push({ index, ok: true, id: created.userId });
      } catch (e) {
        const { body } = toErrorEnvelope(e, c.get('requestId'));
        results.push({ index, ok: false, error: { code: body.error.code, message: body.error.message } });
      }
    }
    const created = results.filter((r) => r.ok).length;
    return c.json({ created, failed: results.length - created, results }, 200);
  });

  app.openapi(exportUsers, async (c) => {
    const s = userServices(c);
    const { format } = c.req.valid('query');
    const actor = c.get('user')!.actor;
    const scope = isGlobalActor(actor) ? [] : [Query.equal('storeId', [...actor.storeIds])];
    c.header('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="staff.${format}"`);
    return stream(c, async (out) => {
      const csv = format === 'csv' ? stringify({ header: true, columns: [...COLUMNS] }) : undefined;
      csv?.on('data', (chunk: Buffer) => void out.write(chunk));
      let cursor: string | undefined;
      let first = true;
      if (!csv) await out.write('[');
      for (;;) {
        const page = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'staff', queries: [...scope, Query.limit(100), ...(cursor ? [Query.cursorAfter(cursor)] : [])] });
        for (const r of page.rows as unknown as Record<string, unknown>[]) {
          const rec = { id: r.$id, email: r.email ?? '', name: r.displayName ?? '', role: r.role, storeId: r.storeId, active: r.isActive !== false, lastLoginAt: r.lastLoginAt ?? '', createdAt: r.$createdAt };
          if (csv) csv.write(rec);
          else {
            await out.write(`${first ? '' : ','}${JSON.stringify(rec)}`);
            first = false;
          }
        }
        if (page.rows.length < 100) break;
        cursor = page.rows[page.rows.length - 1]!.$id;
      }
      if (csv) await new Promise<void>((resolve) => csv.end(resolve));
      else await out.write(']');
    });
  });

  return app;
}
