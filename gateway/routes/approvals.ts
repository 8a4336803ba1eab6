/**
 * Manager override (issue 6 item 6).
 * - `POST /api/v1/approvals` with the operator's JWT (`Authorization: Bearer`) and the till's
 *   credential (`X-Terminal: <terminalId>:<secret>`): a Manager types their PIN on the same till;
 *   if the PIN is theirs (HMAC lookup + lockout + bcrypt, as PIN login) and they hold the
 *   permission being approved in this store, a single-use approval token valid 60 s is returned,
 *   bound to action, resource, amount limit, terminal and operator (stored only as SHA-256).
 * - `POST /api/v1/sales/{id}/refund` and `/void`: allowed with the operator's own `sales:refund`
 *   / `sales:void`, or with a valid approval token (`X-Approval-Token`); the audit entry names the
 *   operator and the approver. A token is consumed atomically (Redis SET NX): a replay, another
 *   sale, another till or operator (APPROVAL_MISMATCH) and a larger amount
 * (APPROVAL_AMOUNT_EXCEEDED) are refused with distinct codes.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ID, Query } from 'node-appwrite';
import { AppError } from '../../core/errors.js';
import { lockoutError, staffPinSubject, terminalPinSubject } from '../../core/pin/lockout.js';
import { pinLookupIndex } from '../../core/pin/lookup.js';
import { authorize, type Permission } from '../../core/rbac/index.js';
import { isAppwriteError, toAppError } from '../../infra/appwrite.js';
import { secretDigest } from '../../infra/staff/terminals.js';
import { audit, auditQuietly } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import type { TerminalPrincipal } from '../principal.js';
import { createRouter, defineRoute, z } from '../openapi.js';
import { userServices } from './users-access.js';

/** Lifetime of an approval token, ms (60 s). */
export const APPROVAL_TTL_MS = 60_000;
const PROTECTED = ['sales:refund', 'sales:void'] as const;

const ApprovalBody = z
  .object({
    managerPin: z.string().regex(/^\d{4,8}$/).openapi({ format: 'password' }),
    action: z.enum(PROTECTED),
    resourceId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/),
    amountLimit: z.number().int().min(0).optional().openapi({ description: 'Largest amount approved, minor units' }),
  })
  .strict()
  .openapi('ApprovalRequest');
const ApprovalAnswer = z.object({ approvalToken: z.string(), expiresAt: z.string(), approverId: z.string() }).openapi('Approval');
const SaleAction = z.object({ amountMinor: z.number().int().min(0).optional().openapi({ description: 'Refund amount (default: the whole sale), minor units' }) }).strict();
const SaleAnswer = z.object({ id: z.string(), status: z.string(), refundId: z.string().nullable(), approvedBy: z.string().nullable() }).openapi('SaleActionResult');
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

const grant = defineRoute({ kind: 'authenticated' }, {
  method: 'post', path: '/approvals', tags: ['approvals'], summary: 'Manager override: a single-use approval token (60 s) from a Manager\'s PIN on this till',
  request: { headers: z.object({ 'x-terminal': z.string().min(10).max(300).openapi({ description: '`<terminalId>:<secret>` of this till' }) }), body: { ...json(ApprovalBody), required: true } },
  responses: { 201: { description: 'Approval token', ...json(ApprovalAnswer) }, 403: { description: 'APPROVER_NOT_PERMITTED: the PIN holder may not approve this' } },
});
const refund = defineRoute({ kind: 'authenticated' }, { method: 'post', path: '/sales/{id}/refund', tags: ['approvals'], summary: 'Refund a sale (sales:refund, or an approval token in X-Approval-Token)', request: { params: z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/) }), body: { ...json(SaleAction), required: false } }, responses: { 200: { description: 'Refunded', ...json(SaleAnswer) }, 404: { description: 'NOT_FOUND' } } });
const voidSale = defineRoute({ kind: 'authenticated' }, { method: 'post', path: '/sales/{id}/void', tags: ['approvals'], summary: 'Void a sale (sales:void, or an approval token in X-Approval-Token)', request: { params: z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/) }), body: { ...json(SaleAction), required: false } }, responses: { 200: { description: 'Voided', ...json(SaleAnswer) }, 404: { description: 'NOT_FOUND' } } });

async function terminalOf(c: Context<GatewayEnv>): Promise<TerminalPrincipal> {
  const t = c.get('services')?.terminals;
  if (!t) throw new AppError('INTERNAL', 'Terminal authentication is not configured.');
  return t.authenticate(`Terminal ${c.req.header('x-terminal') ?? ''}`);
}

/** Consumes a valid approval for (action, sale, amount, terminal, operator) or throws the precise refusal. */
async function consumeApproval(c: Context<GatewayEnv>, token: string, action: Permission, saleId: string, amount: number): Promise<{ approverId: string; approverRole: string }> {
  const s = userServices(c);
  const terminal = await terminalOf(c);
  const found = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'approvals', queries: [Query.equal('tokenHash', secretDigest(token)), Query.limit(1)] });
  const a = found.rows[0] as unknown as Record<string, unknown> | undefined;
  if (!a || Date.parse(String(a.expiresAt)) <= Date.now() || a.status === 'revoked') throw new AppError('APPROVAL_INVALID', 'The approval token is unknown or expired.');
  if (a.status === 'used' || a.usedAt) throw new AppError('APPROVAL_USED', 'This approval was already used.');
  const operatorId = c.get('user')!.actor.userId;
  if (a.action !== action || a.resourceId !== saleId || a.terminalId !== terminal.terminalId || a.operatorId !== operatorId) {
    throw new AppError('APPROVAL_MISMATCH', 'The approval was given for another action, sale, till or operator.');
  }
  if (typeof a.amountLimit === 'number' && amount > a.amountLimit) {
    throw new AppError('APPROVAL_AMOUNT_EXCEEDED', `The approval covers at most ${a.amountLimit} (minor units).`, { details: { amountLimit: a.amountLimit } });
  }
  // Single use across every gateway: the first SET NX wins.
  const consumeOnce = c.get('services')?.consumeOnce;
  if (!consumeOnce) throw new AppError('INTERNAL', 'Approvals are not configured.');
  const won = await consumeOnce(`approval:${String(a.$id)}`, APPROVAL_TTL_MS * 2);
  if (!won) throw new AppError('APPROVAL_USED', 'This approval was already used.');
  await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'approvals', rowId: String(a.$id), data: { usedAt: new Date().toISOString(), status: 'used' } });
  const approver = await s.actors.loadProfile(String(a.approverId));
  return { approverId: String(a.approverId), approverRole: approver?.role ?? 'unknown' };
}

export function approvalRoutes(): OpenAPIHono<GatewayEnv> {
  const app = createRouter();

  app.openapi(grant, async (c) => {
    const s = userServices(c);
    const pins = c.get('services')?.pins;
    if (!pins || !s.lockout) throw new AppError('INTERNAL', 'PIN login is not configured (PIN_PEPPER).');
    const terminal = await terminalOf(c);
    const body = c.req.valid('json');
    const operator = c.get('user')!;
    const index = pinLookupIndex(pins.pepper, terminal.storeId, body.managerPin);
    const found = await s.appwrite.tablesDB.listRows({ databaseId: s.databaseId, tableId: 'staff_credentials', queries: [Query.equal('storeId', terminal.storeId), Query.equal('pinIndex', index), Query.limit(1)] });
    const cred = found.rows[0] as unknown as { userId: string; pinHash: string } | undefined;
    const reserved = await s.lockout.reserve([terminalPinSubject(terminal.terminalId), ...(cred ? [staffPinSubject(cred.userId)] : [])]);
    if (!reserved.ok) throw lockoutError(reserved.denial);
    const ok = cred !== undefined && (await pins.hasher.verifyPin(pins.pepper, body.managerPin, cred.pinHash).catch(async (e: unknown) => {
      await s.lockout!.release(reserved.reservation);
      throw e;
    }));
    await s.lockout.settle(reserved.reservation, ok);
    const base = { storeId: terminal.storeId, terminalId: terminal.terminalId, target: { type: 'sale', id: body.resourceId } };
    if (!ok) {
      await auditQuietly(c, { action: 'approval.denied', outcome: 'failure', reason: 'PIN_INVALID', ...base });
      throw new AppError('PIN_INVALID', 'Wrong PIN.');
    }
    const profile = await s.actors.loadProfile(cred!.userId);
    const approverActor = profile ? s.actors.actorOf(profile) : undefined;
    if (!profile || !approverActor || !authorize(approverActor, body.action, { storeId: terminal.storeId }).allowed || cred!.userId === operator.actor.userId) {
      await auditQuietly(c, { action: 'approval.denied', outcome: 'denied', reason: 'APPROVER_NOT_PERMITTED', ...base, metadata: { approverId: cred!.userId, action: body.action } });
      throw new AppError('APPROVER_NOT_PERMITTED', `The PIN holder may not approve ${body.action} here.`);
    }
    const approvalToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + APPROVAL_TTL_MS).toISOString();
    await s.appwrite.tablesDB.createRow({
      databaseId: s.databaseId, tableId: 'approvals', rowId: ID.unique(),
      data: { storeId: terminal.storeId, terminalId: terminal.terminalId, action: body.action, resourceId: body.resourceId, ...(body.amountLimit === undefined ? {} : { amountLimit: body.amountLimit }), operatorId: operator.actor.userId, approverId: profile.userId, tokenHash: secretDigest(approvalToken), expiresAt, status: 'issued' },
    }).catch((e: unknown) => {
      throw toAppError(e, 'approval');
    });
    await audit(c, { action: 'approval.granted', outcome: 'success', reason: body.action, approver: { id: profile.userId, role: profile.role, displayName: profile.displayName }, ...base, metadata: { amountLimit: body.amountLimit ?? null } });
    return c.json({ approvalToken, expiresAt, approverId: profile.userId }, 201);
  });

  const saleAction = (kind: 'refund' | 'void') => async (c: Context<GatewayEnv>) => {
    const s = userServices(c);
    const saleId = c.req.param('id')!;
    const permission: Permission = kind === 'refund' ? 'sales:refund' : 'sales:void';
    let sale: Record<string, unknown>;
    try {
      sale = (await s.appwrite.tablesDB.getRow({ databaseId: s.databaseId, tableId: 'sales', rowId: saleId })) as unknown as Record<string, unknown>;
    } catch (e) {
      if (isAppwriteError(e, 'row_not_found')) throw new AppError('NOT_FOUND', 'No such sale.');
      throw toAppError(e, 'sale');
    }
    let requested: number | undefined;
    const raw = await c.req.text();
    if (raw.trim()) {
      try {
        const parsed = SaleAction.parse(JSON.parse(raw));
        requested = parsed.amountMinor;
      } catch {
        throw new AppError('VALIDATION_FAILED', 'The body must be `{ "amountMinor"?: integer ≥ 0 }`.');
      }
    }
    const amount = requested ?? Number(sale.totalMinor);
    if (amount > Number(sale.totalMinor)) throw new AppError('VALIDATION_FAILED', 'The refund exceeds the sale total.');
    const operator = c.get('user')!;
    let approver: { approverId: string; approverRole: string } | undefined;
    const own = authorize(operator.actor, permission, { storeId: String(sale.storeId) });
    if (!own.allowed) {
      const token = c.req.header('x-approval-token');
      if (!token) throw new AppError('INSUFFICIENT_PERMISSIONS', `Requires \`${permission}\` or a manager's approval (X-Approval-Token).`, { details: { missing: permission } });
      approver = await consumeApproval(c, token, permission, saleId, amount);
    }
    // Checked after the approval, so a replayed token is refused as APPROVAL_USED.
    if (sale.status !== 'completed') throw new AppError('CONFLICT', `The sale is already ${String(sale.status)}.`);
    let refundId: string | null = null;
    if (kind === 'refund') {
      const r = await s.appwrite.tablesDB.createRow({ databaseId: s.databaseId, tableId: 'sales', rowId: ID.unique(), data: { storeId: sale.storeId, terminalId: sale.terminalId ?? '', staffId: operator.actor.userId, totalMinor: -amount, currency: sale.currency, status: 'completed', refundOf: saleId, occurredAt: new Date().toISOString() } });
      refundId = r.$id;
    }
    await s.appwrite.tablesDB.updateRow({ databaseId: s.databaseId, tableId: 'sales', rowId: saleId, data: { status: kind === 'refund' ? 'refunded' : 'voided' } });
    await audit(c, {
      action: kind === 'refund' ? 'sale.refunded' : 'sale.voided', outcome: 'success', reason: approver ? 'manager override' : 'own permission',
      target: { type: 'sale', id: saleId }, storeId: String(sale.storeId),
      ...(approver ? { approver: { id: approver.approverId, role: approver.approverRole, displayName: approver.approverId } } : {}),
      metadata: { amountMinor: amount, ...(refundId ? { refundId } : {}) },
    });
    return c.json({ id: saleId, status: kind === 'refund' ? 'refunded' : 'voided', refundId, approvedBy: approver?.approverId ?? null }, 200);
  };
  app.openapi(refund, saleAction('refund') as never);
  app.openapi(voidSale, saleAction('void') as never);
  return app;
}
