/** core/mirror/events: both row event families, user events, versions and change keys. */
import { describe, expect, it } from 'vitest';
import { compareVersions, parseMirrorEvent, type MirrorEvent } from '../../core/mirror/events.js';

const row = { $id: 'r1', $sequence: '7', $updatedAt: '2026-11-23T10:00:00.000+00:00', $createdAt: '2026-11-23T10:00:00.000+00:00' };
const change = (name: string, payload: unknown = row): MirrorEvent => {
  const p = parseMirrorEvent(name, payload, 'pos');
  if (p.kind !== 'change') throw new Error(`expected a change, got ${JSON.stringify(p)}`);
  return p.event;
};

describe('parseMirrorEvent', () => {
  it('reads both row event families the same way', () => {
    const a = change('databases.pos.tables.sales.rows.r1.create');
    const b = change('databases.pos.collections.sales.documents.r1.create');
    expect([a.source, a.rowId, a.operation, a.version]).toEqual(['sales', 'r1', 'create', { updatedAtMs: Date.parse(row.$updatedAt), sequence: 7n, deleted: false }]);
    expect(b.key).toBe(a.key);
    expect(change('databases.pos.tables.sales.rows.r1.delete').version.deleted).toBe(true);
    expect(change('databases.pos.tables.sales.rows.r1.upsert').operation).toBe('upsert');
  });

  it('gives a duplicate the same key and a new version another', () => {
    const a = change('databases.pos.tables.sales.rows.r1.update');
    expect(change('databases.pos.tables.sales.rows.r1.update', { ...row, $updatedAt: '2026-11-23T10:00:00Z' }).key).toBe(a.key);
    expect(change('databases.pos.tables.sales.rows.r1.update', { ...row, $updatedAt: '2026-11-23T10:00:00.001Z' }).key).not.toBe(a.key);
  });

  it('ignores other databases and non-mirrored user events, rejects malformed ones', () => {
    expect(parseMirrorEvent('databases.other.tables.sales.rows.r1.create', row, 'pos').kind).toBe('ignored');
    expect(parseMirrorEvent('users.u1.sessions.s1.create', { $id: 's1', secret: 'x' }, 'pos').kind).toBe('ignored');
    expect(parseMirrorEvent('buckets.b.files.f.create', {}, 'pos').kind).toBe('ignored');
    expect(parseMirrorEvent('databases.pos.tables.sales.rows.r2.create', row, 'pos')).toMatchObject({ kind: 'invalid' });
    expect(parseMirrorEvent('databases.pos.tables.sales.rows.r1.create', 'nope', 'pos')).toMatchObject({ kind: 'invalid' });
    expect(parseMirrorEvent('databases.pos.tables.sales.rows.r1.create', { ...row, $updatedAt: 'soon' }, 'pos')).toMatchObject({ kind: 'invalid' });
    expect(parseMirrorEvent('', row, 'pos')).toMatchObject({ kind: 'invalid' });
  });

  it('mirrors user events carrying the User model and refetches the others', () => {
    const user = { $id: 'u1', $updatedAt: row.$updatedAt, registration: row.$createdAt, labels: [], password: 'hash' };
    const e = change('users.u1.update.labels', user);
    expect([e.source, e.rowId, e.operation, e.version.sequence]).toEqual(['users', 'u1', 'update', 0n]);
    expect(change('users.u1.delete', user).operation).toBe('delete');
    expect(parseMirrorEvent('users.u1.update.prefs', { theme: 'dark' }, 'pos')).toEqual({ kind: 'refetch-user', userId: 'u1', eventName: 'users.u1.update.prefs' });
  });
});

describe('compareVersions', () => {
  const v = (updatedAtMs: number, sequence: bigint, deleted = false) => ({ updatedAtMs, sequence, deleted });
  it('orders by $updatedAt, then $sequence, then delete over live', () => {
    expect(compareVersions(v(2, 1n), v(1, 9n))).toBeGreaterThan(0);
    expect(compareVersions(v(1, 2n), v(1, 1n))).toBeGreaterThan(0);
    expect(compareVersions(v(1, 1n, true), v(1, 1n))).toBeGreaterThan(0);
    expect(compareVersions(v(1, 1n), v(1, 1n))).toBe(0);
    expect(compareVersions(v(1, 1n), v(1, 1n, true))).toBeLessThan(0);
  });
});
