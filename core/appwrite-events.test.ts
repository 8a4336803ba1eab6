import { describe, expect, it } from 'vitest';
import { parseEventName } from './appwrite-events.js';

describe('parseEventName', () => {
  it.each([
    ['databases.pos.tables.sales.rows.r1.create', { kind: 'row', databaseId: 'pos', tableId: 'sales', rowId: 'r1', action: 'create' }],
    ['databases.pos.collections.sales.documents.r1.create', { kind: 'row', databaseId: 'pos', tableId: 'sales', rowId: 'r1', action: 'create' }],
    ['databases.pos.tables.products.rows.p-1.upsert', { kind: 'row', databaseId: 'pos', tableId: 'products', rowId: 'p-1', action: 'upsert' }],
    ['databases.pos.collections.products.documents.p_1.delete', { kind: 'row', databaseId: 'pos', tableId: 'products', rowId: 'p_1', action: 'delete' }],
    ['users.u1.create', { kind: 'user', userId: 'u1', resource: 'user', action: 'create' }],
    ['users.u1.update.labels', { kind: 'user', userId: 'u1', resource: 'user', action: 'update.labels' }],
    ['users.u1.sessions.s1.create', { kind: 'user', userId: 'u1', resource: 'session', action: 'create' }],
    ['users.u1.tokens.t1.create', { kind: 'user', userId: 'u1', resource: 'token', action: 'create' }],
  ])('%s', (name, expected) => {
    expect(parseEventName(name)).toEqual(expected);
  });
  it('keeps unknown names as other', () => {
    expect(parseEventName('databases.pos.tables.sales.create')).toEqual({ kind: 'other', name: 'databases.pos.tables.sales.create' });
    expect(parseEventName('buckets.b.files.f.create').kind).toBe('other');
  });
});
