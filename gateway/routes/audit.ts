/**
 * Reading the audit log (issue 7 item 4): `GET /api/v1/audit` (filters, cursor pagination),
 * `GET /api/v1/audit/export?format=csv|jsonl` (streamed page by page), `GET /api/v1/audit/verify`
 * (the hash chain and signed checkpoints). Every read, export and verification is itself audited
 * BEFORE the answer (PCI DSS v4 10.2.1.3: access to audit logs), naming the reader. Store-scoped
 * readers see only their stores' entries.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'csv-stringify';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { AppError } from '../../core/errors.js';
import { isGlobalActor } from '../../core/rbac/index.js';
import { iterateAudit, queryAudit, type AuditFilters } from '../../infra/audit/query.js';
import { verifyAuditChain } from '../../infra/audit/verify.js';
import type { Pool } from '../../infra/mariadb.js';
import { audit } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import { createRouter, defineRoute, z } from '../openapi.js';

const ident = z.string().min(1).max(128).regex(/^[^\p{Cc}]+$/u);
const Filters = z.object({
  actor: ident.optional(),
  action: z.string().regex(/^[a-z_]+(\.[a-z_]*)?$/).max(64).optional().openapi({ description: 'An action (`auth.login`) or a prefix ending in a dot (`auth.`)' }),
  targetType: z.string().max(64).regex(/^[A-Za-z0-9_.:/-]+$/).optional(),
  targetId: ident.optional(),
  store: ident.optional(),
  terminal: ident.optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
const ListQuery = Filters.extend({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().regex(/^\d{1,19}$/).optional() });
const ExportQuery = Filters.extend({ format: z.enum(['csv', 'jsonl']).default('jsonl') });
const Page = z.object({ entries: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() }).openapi('AuditPage');
const Verify = z.object({ ok: z.boolean(), checkedEntries: z.number().int(), firstBroken: z.unknown().optional(), lastVerifiedCheckpoint: z.unknown().optional(), checkpointsVerified: z.number().int(), head: z.object({ seq: z.number().int(), hash: z.string() }), signaturesUnchecked: z.boolean() }).openapi('AuditVerifyReport');

const list = defineRoute({ kind: 'permission', permission: 'audit:read' }, { method: 'get', path: '/audit', tags: ['audit'], summary: 'Audit entries, newest first (filters; cursor pagination)', request: { query: ListQuery }, responses: { 200: { description: 'A page', content: { 'application/json': { schema: Page } } } } });
const exportAudit = defineRoute({ kind: 'permission', permission: 'audit:export' }, { method: 'get', path: '/audit/export', tags: ['audit'], summary: 'Export matching entries as CSV or JSON Lines (streamed)', request: { query: ExportQuery }, responses: { 200: { description: 'The export', content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } } } } });
const verify = defineRoute({ kind: 'permission', permission: 'audit:verify' }, { method: 'get', path: '/audit/verify', tags: ['audit'], summary: 'Verify the hash chain and checkpoint signatures; names the first broken link', responses: { 200: { description: 'Report', content: { 'application/json': { schema: Verify } } } } });

function pool(c: Context<GatewayEnv>): Pool {
  const p = c.get('services')?.pool;
  if (!p) throw new AppError('INTERNAL', 'The audit log is not configured.');
  return p;
}

function filtersOf(c: Context<GatewayEnv>, q: z.infer<typeof Filters>): AuditFilters {
  const actor = c.get('user')!.actor;
  return {
    ...(q.actor ? { actorId: q.actor } : {}),
    ...(q.action ? { actionPrefix: q.action } : {}),
    ...(q.targetType ? { targetType: q.targetType } : {}),
    ...(q.targetId ? { targetId: q.targetId } : {}),
    ...(q.store ? { storeId: q.store } : {}),
    ...(q.terminal ? { terminalId: q.terminal } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(isGlobalActor(actor) ? {} : { storeIds: actor.storeIds }),
  };
}

const CSV_COLUMNS = ['seq', 'occurredAt', 'action', 'outcome', 'reason', 'actorType', 'actorId', 'actorRole', 'approverId', 'targetType', 'targetId', 'storeId', 'terminalId', 'ip', 'requestId', 'hash'];

export function auditRoutes(): OpenAPIHono<GatewayEnv> {
  const app = createRouter();

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const f = filtersOf(c, q);
    await audit(c, { action: 'audit.read', outcome: 'success', reason: 'audit log listed', metadata: { filters: { ...f } } });
    return c.json(await queryAudit(pool(c), f, q.limit, q.cursor), 200);
  });

  app.openapi(exportAudit, async (c) => {
    const q = c.req.valid('query');
    const f = filtersOf(c, q);
    const p = pool(c);
    await audit(c, { action: 'audit.exported', outcome: 'success', reason: `export as ${q.format}`, metadata: { filters: { ...f } } });
    c.header('Content-Type', q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="audit.${q.format}"`);
    return stream(c, async (out) => {
      const csv = q.format === 'csv' ? stringify({ header: true, columns: CSV_COLUMNS }) : undefined;
      csv?.on('data', (chunk: Buffer) => void out.write(chunk));
      for await (const e of iterateAudit(p, f)) {
        if (!csv) {
          await out.write(`${JSON.stringify(e)}\n`);
          continue;
        }
        const actor = (e.actor ?? {}) as Record<string, unknown>;
        const target = (e.target ?? {}) as Record<string, unknown>;
        const approver = (e.approver ?? {}) as Record<string, unknown>;
        csv.write({ seq: e.seq, occurredAt: e.occurredAt, action: e.action, outcome: e.outcome, reason: e.reason, actorType: actor.type, actorId: actor.id, actorRole: actor.role ?? '', approverId: approver.id ?? '', targetType: target.type ?? '', targetId: target.id ?? '', storeId: e.storeId ?? '', terminalId: e.terminalId ?? '', ip: e.ip ?? '', requestId: e.requestId ?? '', hash: e.hash });
      }
      if (csv) await new Promise<void>((resolve) => csv.end(resolve));
    });
  });

  app.openapi(verify, async (c) => {
    const key = c.get('services')?.auditCheckpointKey;
    const report = await verifyAuditChain({ pool: pool(c), ...(key ? { checkpointKey: key } : {}) });
    await audit(c, { action: 'audit.verified', outcome: report.ok ? 'success' : 'failure', reason: report.ok ? 'chain intact' : `broken at ${String(report.firstBroken?.seq ?? '?')}`, metadata: { checkedEntries: report.checkedEntries } });
    return c.json(report as never, 200);
  });

  return app;
}
