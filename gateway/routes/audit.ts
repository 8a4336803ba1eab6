/**
 * Reading the audit log (issue 7 item 4): `GET /api/v1/audit` (filters, cursor pagination),
 * `GET /api/v1/audit/export?format=csv|jsonl` (streamed page by page), `GET /api/v1/audit/verify`
 * (the hash chain and signed checkpoints). Every read, export and verification is itself audited
 * BEFORE the answer (PCI DSS v4 10.2.1.3: access to audit logs), naming the reader. Store-scoped
 * readers see only their stores' entries.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'csv-stringify/sync';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { AppError } from '../../core/errors.js';
import { isGlobalActor } from '../../core/rbac/index.js';
import { iteratePages, queryAudit, type AuditFilters } from '../../infra/audit/query.js';
import { verifyAuditChain } from '../../infra/audit/verify.js';
import type { Pool } from '../../infra/mariadb.js';
import { audit } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import { createRouter, defineRoute, z } from '../openapi.js';

const ident = z.string().min(1).max(128).regex(/^[^\p{Cc}]+$/u);
const Filters = z.object({
  actor: ident.optional(),
  action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]*)?$/).max(64).optional().openapi({ description: 'An action (`auth.login`) or a prefix ending in a dot (`auth.`)' }),
  targetType: z.string().max(64).regex(/^[A-Za-z0-9_.:/-]+$/).optional(),
  targetId: ident.optional(),
  store: ident.optional(),
  terminal: ident.optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Inclusive lower bound on occurredAt (ISO-8601 with offset)' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Exclusive upper bound on occurredAt (ISO-8601 with offset)' }),
  order: z.enum(['desc', 'asc']).default('desc').openapi({ description: 'desc: newest first (default)' }),
});
const rangeOk = (q: { from?: string | undefined; to?: string | undefined }) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to);
const RANGE = { message: '`from` must be before `to`', path: ['from'] };
const ListQuery = Filters.extend({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().regex(/^\d{1,19}$/).optional().openapi({ description: 'nextCursor of the previous page (opaque)' }) }).refine(rangeOk, RANGE);
const ExportQuery = Filters.extend({ format: z.enum(['csv', 'jsonl']).default('jsonl') }).refine(rangeOk, RANGE);
const Page = z.object({ entries: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() }).openapi('AuditPage');
const Verify = z.object({ ok: z.boolean(), checkedEntries: z.number().int(), firstBroken: z.unknown().optional(), lastVerifiedCheckpoint: z.unknown().optional(), checkpointsVerified: z.number().int(), head: z.object({ seq: z.number().int(), hash: z.string() }), signaturesUnchecked: z.boolean(), anchor: z.unknown().optional().openapi({ description: 'Present after `npm run audit:retention`: the last archived entry, where verification started' }) }).openapi('AuditVerifyReport');

const list = defineRoute({ kind: 'permission', permission: 'audit:read' }, { method: 'get', path: '/audit', tags: ['audit'], summary: 'Audit entries, newest first (filters; cursor pagination)', request: { query: ListQuery }, responses: { 200: { description: 'A page', content: { 'application/json': { schema: Page } } } } });
const exportAudit = defineRoute({ kind: 'permission', permission: 'audit:export' }, { method: 'get', path: '/audit/export', tags: ['audit'], summary: 'Export matching entries as CSV or JSON Lines (streamed)', request: { query: ExportQuery }, responses: { 200: { description: 'The export', content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } } } } });
const verify = defineRoute({ kind: 'permission', permission: 'audit:verify' }, { method: 'get', path: '/audit/verify', tags: ['audit'], summary: 'Verify the hash chain and checkpoint signatures; names the first broken link', responses: { 200: { description: 'Report', content: { 'application/json': { schema: Verify } } } } });

function pool(c: Context<GatewayEnv>): Pool {
  const p = c.get('services')?.pool;
  if (!p) throw new AppError('INTERNAL', 'The audit log is not configured.');
  return p;
}

function filtersOf(c: Context<GatewayEnv>, q: Omit<z.infer<typeof Filters>, 'order'>): AuditFilters {
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

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** One CSV line's values: the indexed fields of an entry (the full entry is in the JSON Lines export). */
function csvRow(e: Record<string, unknown>): Record<string, unknown> {
  const actor = obj(e.actor);
  const target = obj(e.target);
  const approver = obj(e.approver);
  return { seq: e.seq, occurredAt: e.occurredAt, action: e.action, outcome: e.outcome, reason: e.reason, actorType: actor.type, actorId: actor.id, actorRole: actor.role ?? '', approverId: approver.id ?? '', targetType: target.type ?? '', targetId: target.id ?? '', storeId: e.storeId ?? '', terminalId: e.terminalId ?? '', ip: e.ip ?? '', requestId: e.requestId ?? '', hash: e.hash };
}

/**
 * The audit routes, mounted under `/api/v1`: `GET /audit` (`audit:read`; `limit` 1..200, default
 * 50), `GET /audit/export` (`audit:export`; CSV via csv-stringify or JSON Lines, streamed),
 * `GET /audit/verify` (`audit:verify`). Filters: `actor`, `action` (exact, or a prefix ending in a
 * dot), `targetType`, `targetId`, `store`, `terminal`, `outcome`, `from` (inclusive) and `to`
 * (exclusive) on occurredAt, `order`. A reader who is not global sees only entries of their
 * stores. Each call appends `audit.read` / `audit.exported` / `audit.verified` naming the reader
 * before it answers (PCI DSS v4 10.2.1.3); if that entry cannot be stored the call fails with
 * DEPENDENCY_UNAVAILABLE (503) rather than answer unaudited.
 * @throws AppError VALIDATION_FAILED (400) for a bad filter, cursor, limit or time range.
 */
export function auditRoutes(): OpenAPIHono<GatewayEnv> {
  const app = createRouter();

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const f = filtersOf(c, q);
    await audit(c, { action: 'audit.read', outcome: 'success', reason: 'audit log listed', metadata: { filters: { ...f }, order: q.order, ...(q.cursor ? { cursor: q.cursor } : {}) } });
    return c.json(await queryAudit(pool(c), f, q.limit, q.cursor, q.order), 200);
  });

  app.openapi(exportAudit, async (c) => {
    const q = c.req.valid('query');
    const f = filtersOf(c, q);
    const p = pool(c);
    await audit(c, { action: 'audit.exported', outcome: 'success', reason: `export as ${q.format}`, metadata: { filters: { ...f }, format: q.format, order: q.order } });
    const log = c.get('log');
    c.header('Content-Type', q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="audit.${q.format}"`);
    c.header('Cache-Control', 'no-store');
    // Page by page from MariaDB; each page is written (and awaited, so a slow client slows the
    // reads) before the next is read: memory stays bounded by one page.
    return stream(
      c,
      async (out) => {
        let header = q.format === 'csv';
        for await (const page of iteratePages(p, f, 500, q.order)) {
          if (q.format === 'jsonl') {
            await out.write(page.map((e) => `${JSON.stringify(e)}\n`).join(''));
            continue;
          }
          await out.write(stringify(page.map(csvRow), { header, columns: CSV_COLUMNS }));
          header = false;
        }
        if (header) await out.write(stringify([], { header: true, columns: CSV_COLUMNS }));
      },
      async (err, out) => {
        // Headers are gone: the truncated body is the only signal besides the log.
        log.error({ err }, 'audit export failed mid-stream');
        await out.close();
      },
    );
  });

  app.openapi(verify, async (c) => {
    const key = c.get('services')?.auditCheckpointKey;
    const report = await verifyAuditChain({ pool: pool(c), ...(key ? { checkpointKey: key } : {}) });
    await audit(c, { action: 'audit.verified', outcome: report.ok ? 'success' : 'failure', reason: report.ok ? 'chain intact' : `broken at ${String(report.firstBroken?.seq ?? '?')}`, metadata: { checkedEntries: report.checkedEntries } });
    return c.json(report as never, 200);
  });

  return app;
}
