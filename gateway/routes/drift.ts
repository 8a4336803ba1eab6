/**
 * Label drift (issue 5 item 4): each staff member's role and store are projected into Appwrite
 * labels so Appwrite's own table permissions agree with the gateway. `GET /api/v1/admin/drift`
 * lists users whose labels disagree with their staff profile (e.g. after a console edit);
 * `POST /api/v1/admin/drift/repair` rewrites them (labels Tillgate does not own are kept).
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Query, type Models } from 'node-appwrite';
import { labelsDrift } from '../../core/rbac/index.js';
import { toAppError } from '../../infra/appwrite.js';
import { audit } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import { createRouter, defineRoute, z } from '../openapi.js';
import { userServices, type UserServices } from './users-access.js';

const DriftItem = z
  .object({ userId: z.string(), role: z.string(), storeId: z.string(), labels: z.array(z.string()), expected: z.array(z.string()), missing: z.array(z.string()), unexpected: z.array(z.string()) })
  .openapi('LabelDrift');
const DriftReport = z.object({ checked: z.number().int(), drifted: z.array(DriftItem) }).openapi('LabelDriftReport');
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

const listDrift = defineRoute({ kind: 'permission', permission: 'roles:write' }, { method: 'get', path: '/admin/drift', tags: ['admin'], summary: 'Users whose Appwrite labels disagree with their staff profile', responses: { 200: { description: 'Drift', ...json(DriftReport) } } });
const repair = defineRoute({ kind: 'permission', permission: 'roles:write' }, { method: 'post', path: '/admin/drift/repair', tags: ['admin'], summary: 'Rewrite the labels of every drifted user', responses: { 200: { description: 'Repaired', ...json(DriftReport) } } });

async function findDrift(s: UserServices): Promise<{ checked: number; drifted: (z.infer<typeof DriftItem> & { repaired: string[] })[] }> {
  const drifted: (z.infer<typeof DriftItem> & { repaired: string[] })[] = [];
  let checked = 0;
  let cursor: string | undefined;
  try {
    for (;;) {
      const page = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'staff', queries: [Query.limit(100), ...(cursor ? [Query.cursorAfter(cursor)] : [])] });
      const rows = page.rows as unknown as (Models.Row & { userId: string; role: string; storeId: string })[];
      if (rows.length === 0) break;
      const users = await s.appwrite.users.list({ queries: [Query.equal('$id', rows.map((r) => r.userId)), Query.limit(100)] });
      const labels = new Map(users.users.map((u) => [u.$id, u.labels]));
      for (const r of rows) {
        checked++;
        const current = labels.get(r.userId) ?? [];
        const d = labelsDrift({ role: r.role, storeIds: [r.storeId] }, current);
        if (!d.inSync) drifted.push({ userId: r.userId, role: r.role, storeId: r.storeId, labels: current, expected: [...d.expected], missing: [...d.missing], unexpected: [...d.unexpected], repaired: [...d.repaired] });
      }
      if (rows.length < 100) break;
      cursor = rows[rows.length - 1]!.$id;
    }
  } catch (e) {
    throw toAppError(e, 'staff');
  }
  return { checked, drifted };
}

export function driftRoutes(): OpenAPIHono<GatewayEnv> {
  const app = createRouter();
  const strip = (d: { repaired: string[] } & z.infer<typeof DriftItem>) => {
    const { repaired: _r, ...rest } = d;
    return rest;
  };
  app.openapi(listDrift, async (c) => {
    const r = await findDrift(userServices(c));
    return c.json({ checked: r.checked, drifted: r.drifted.map(strip) }, 200);
  });
  app.openapi(repair, async (c) => {
    const s = userServices(c);
    const r = await findDrift(s);
    for (const d of r.drifted) {
      await s.appwrite.users.updateLabels({ userId: d.userId, labels: d.repaired }).catch((e: unknown) => {
        throw toAppError(e, 'labels');
      });
      await audit(c, { action: 'user.updated', outcome: 'success', reason: 'label drift repaired', target: { type: 'user', id: d.userId }, changes: { labels: { before: d.labels, after: d.repaired } } });
    }
    return c.json({ checked: r.checked, drifted: r.drifted.map(strip) }, 200);
  });
  return app;
}
