import { describe, it, expect } from 'vitest';
import { AppError } from '../errors.js';
import { AUDIT_ACTIONS, AUDIT_ACTION_PATTERN, isAuditAction } from './actions.js';
import { auditIndexColumns, createAuditEntry, type AuditEntryInput } from './entry.js';
import { MASKED } from './mask.js';

const now = new Date('2026-11-23T13:00:00.123Z');
const base: AuditEntryInput = {
  action: 'staff.pin_login',
  outcome: 'success',
  reason: 'PIN_OK',
  actor: { type: 'user', id: 'u1', role: 'cashier', displayName: 'Ann' },
};

describe('vocabulary', () => {
  it('declares every action once, in resource.action form', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    for (const a of AUDIT_ACTIONS) expect(a).toMatch(AUDIT_ACTION_PATTERN);
    expect(isAuditAction('audit.exported')).toBe(true);
    expect(isAuditAction('sale.teleported')).toBe(false);
  });
});

describe('createAuditEntry', () => {
  it('fills id and times, normalizing an Appwrite +00:00 timestamp to UTC with ms', () => {
    const e = createAuditEntry({ ...base, occurredAt: '2026-11-23T14:59:58.5+02:00' }, now);
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.occurredAt).toBe('2026-11-23T12:59:58.500Z');
    expect(e.receivedAt).toBe('2026-11-23T13:00:00.123Z');
  });

  it('masks changes and metadata before anything is stored', () => {
    const e = createAuditEntry(
      {
        ...base,
        action: 'user.updated',
        changes: { pin: { before: '1111', after: '2468' }, name: { before: 'A', after: 'B' } },
        metadata: { event: { secret: 'tok-secret', userId: 'u1' } },
      },
      now,
    );
    expect(e.changes).toEqual({ pin: { before: MASKED, after: MASKED }, name: { before: 'A', after: 'B' } });
    expect(e.metadata).toEqual({ event: { secret: MASKED, userId: 'u1' } });
    expect(JSON.stringify(e)).not.toMatch(/2468|1111|tok-secret/);
  });

  it.each([
    { name: 'unknown action', patch: { action: 'sale.teleported' }, path: 'action' },
    { name: 'unknown outcome', patch: { outcome: 'maybe' }, path: 'outcome' },
    { name: 'empty reason', patch: { reason: '' }, path: 'reason' },
    { name: 'unknown actor type', patch: { actor: { type: 'robot', id: 'r' } }, path: 'actor.type' },
    { name: 'local time without offset', patch: { occurredAt: '2026-11-23T13:00:00' }, path: 'occurredAt' },
    { name: 'bad IP', patch: { ip: '300.1.1.1' }, path: 'ip' },
    { name: 'unknown top-level key', patch: { password: 'x' }, path: '' },
    { name: 'control characters in an id', patch: { storeId: 'a\nb' }, path: 'storeId' },
    { name: 'non-JSON metadata', patch: { metadata: { n: Number.NaN } }, path: 'metadata.n' },
  ])('refuses $name with VALIDATION_FAILED naming the path', ({ patch, path }) => {
    const input = { ...base, ...patch } as unknown as AuditEntryInput;
    let caught: unknown;
    try {
      createAuditEntry(input, now);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AppError);
    const err = caught as AppError;
    expect(err.code).toBe('VALIDATION_FAILED');
    const issues = (err.details?.issues ?? []) as { path: string }[];
    expect(issues.map((i) => i.path)).toContain(path);
    expect(JSON.stringify(err.details)).not.toContain('"x"');
  });

  it('projects the indexed columns, null when absent', () => {
    const e = createAuditEntry(
      { ...base, approver: { id: 'm1', role: 'manager', displayName: 'Max' }, target: { type: 'terminal', id: 't9' }, storeId: 's1', ip: '::1' },
      now,
    );
    expect(auditIndexColumns(e)).toMatchObject({
      occurred_at: '2026-11-23 13:00:00.123',
      action: 'staff.pin_login',
      actor_id: 'u1',
      actor_role: 'cashier',
      approver_id: 'm1',
      target_type: 'terminal',
      target_id: 't9',
      store_id: 's1',
      terminal_id: null,
      ip: '::1',
      source_event_key: null,
    });
  });
});
