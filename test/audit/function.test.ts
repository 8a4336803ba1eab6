/**
 * The `audit` Appwrite Function in the emulator, with every event delivered twice: N external
 * writes (API key and session user, TablesDB rows, users, sessions, tokens) give exactly N audit
 * entries, with actor, target, store and action right, and no secret from any payload.
 */
import type { RowDataPacket } from 'mysql2';
import { Client, ID, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../collections/index.js';
import { FUNCTIONS } from '../../functions/definitions.js';
import { entryForEvent } from '../../functions/audit/handler.js';
import { createAuditFunctionEntry } from '../../functions/audit/main.js';
import { verifyAuditChain } from '../../infra/audit/verify.js';
import { migrate } from '../../infra/migrate.js';
import { syncSchema } from '../../infra/schema-sync/sync.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.js';
import { CHECKPOINT_KEY } from './audit-db.js';

let emu: TestEmulator;
let db: TestDatabase;

const PASSWORD = 'Plain-Password-4711-audit';
const PIN_HASH = '$2b$10$SECRETPINHASHSECRETPINHASHxx';
const PIN_INDEX = 'f'.repeat(40) + 'secretpinindex00000000aa';
const secrets: string[] = [PASSWORD, PIN_HASH, PIN_INDEX];

type Stored = { seq: number; action: string; entry: Record<string, unknown> & { actor: { type: string; id: string }; target?: { type: string; id: string }; storeId?: string } };
async function entries(): Promise<Stored[]> {
  const [rows] = await db.pool.query<RowDataPacket[]>('SELECT seq, action, CAST(entry AS CHAR) AS entry FROM audit_log ORDER BY seq');
  return rows.map((r) => ({ seq: Number(r.seq), action: String(r.action), entry: JSON.parse(String(r.entry)) as Stored['entry'] }));
}

beforeAll(async () => {
  db = await createTestDatabase('tg_audit_fn');
  await migrate({ url: db.url });
  emu = await startTestEmulator({ delivery: { duplicate: 1, seed: 7 } });
  await syncSchema({ tablesDB: emu.tablesDB, databaseId: 'pos', tables: TABLES });
  const def = FUNCTIONS.find((f) => f.$id === 'audit')!;
  emu.emulator.functions.register({
    $id: 'audit',
    events: [...def.events],
    scopes: [...def.scopes],
    timeout: def.timeout,
    variables: { MARIADB_URL: db.url, AUDIT_CHECKPOINT_KEY: CHECKPOINT_KEY, LOG_LEVEL: 'debug' },
    handler: createAuditFunctionEntry({ poolSize: 2 }),
  });
});
afterAll(async () => {
  await emu.emulator.functions.idle();
  await emu.stop();
  await db.drop();
});

describe('audit function', () => {
  it('records each external write once despite duplicated delivery, without secrets', async () => {
    const t = emu.tablesDB;
    let writes = 0;
    const store = await t.createRow({ databaseId: 'pos', tableId: 'stores', rowId: ID.unique(), data: { name: 'Store A', code: 'S01', currency: 'EUR' } });
    writes++;
    const product = await t.createRow({ databaseId: 'pos', tableId: 'products', rowId: ID.unique(), data: { storeId: store.$id, sku: 'A-1', name: 'Tea', priceMinor: 250, currency: 'EUR' } });
    writes++;
    await t.updateRow({ databaseId: 'pos', tableId: 'products', rowId: product.$id, data: { priceMinor: 300 } });
    writes++;
    await t.upsertRow({ databaseId: 'pos', tableId: 'products', rowId: 'upserted-1', data: { storeId: store.$id, sku: 'A-2', name: 'Coffee', priceMinor: 400, currency: 'EUR' } });
    writes++;
    await t.createRow({ databaseId: 'pos', tableId: 'staff_credentials', rowId: ID.unique(), data: { userId: 'u-1', storeId: store.$id, pinHash: PIN_HASH, pinIndex: PIN_INDEX } });
    writes++;
    await t.deleteRow({ databaseId: 'pos', tableId: 'products', rowId: 'upserted-1' });
    writes++;
    // Never audited by the function: the console copy of the audit log itself.
    await t.createRow({ databaseId: 'pos', tableId: 'audit_logs', rowId: ID.unique(), data: { entryId: crypto.randomUUID(), seq: 1, occurredAt: new Date().toISOString(), action: 'auth.login', outcome: 'success', actorType: 'user', hash: 'a'.repeat(64) } });

    const user = await emu.users.create({ userId: ID.unique(), email: 'ext@example.com', password: PASSWORD, name: 'External' });
    writes++;
    await emu.users.updateLabels({ userId: user.$id, labels: ['manager'] });
    writes++;
    const token = await emu.users.createToken({ userId: user.$id, length: 64, expire: 900 });
    secrets.push(token.secret);
    writes++;
    const session = await emu.users.createSession({ userId: user.$id });
    secrets.push(session.secret);
    writes++;

    // A write by a session user (the POS app writing straight to Appwrite).
    const asUser = new TablesDB(new Client().setEndpoint(emu.endpoint).setProject(emu.projectId).setSession(session.secret));
    const own = await asUser.createRow({ databaseId: 'pos', tableId: 'products', rowId: ID.unique(), data: { storeId: store.$id, sku: 'B-1', name: 'Juice', priceMinor: 500, currency: 'EUR' } });
    writes++;
    await emu.emulator.functions.idle();

    expect(emu.emulator.functions.stats.duplicated).toBeGreaterThan(0);
    const all = await entries();
    expect(all).toHaveLength(writes);
    // Deliveries run concurrently, so entries are compared as multisets.
    expect(all.filter((e) => e.action.startsWith('row.')).map((e) => e.action).sort()).toEqual(['row.created', 'row.created', 'row.created', 'row.created', 'row.created', 'row.deleted', 'row.updated']);
    expect(all.filter((e) => e.action === 'user.external_change').map((e) => (e.entry.metadata as { change: string }).change).sort()).toEqual(['create', 'sessions.create', 'tokens.create', 'update.labels']);

    const byTarget = (id: string) => all.filter((e) => e.entry.target?.id === id);
    expect(byTarget(product.$id).map((e) => e.entry).sort((a, b) => String(a.action).localeCompare(String(b.action)))).toEqual([
      expect.objectContaining({ action: 'row.created', actor: { type: 'apikey', id: 'apikey' }, target: { type: 'products', id: product.$id }, storeId: store.$id, changes: expect.objectContaining({ priceMinor: { before: null, after: 250 } }) }),
      expect.objectContaining({ action: 'row.updated', metadata: expect.objectContaining({ after: expect.objectContaining({ priceMinor: 300 }) }) }),
    ]);
    expect(byTarget(store.$id)[0]!.entry.storeId).toBe(store.$id);
    expect(byTarget(own.$id)[0]!.entry).toMatchObject({ action: 'row.created', actor: { type: 'user', id: user.$id } });
    const cred = all.find((e) => e.entry.target?.type === 'staff_credentials')!;
    expect(cred.entry.metadata).toMatchObject({ omittedFields: ['pinHash', 'pinIndex', 'pinHistory'] });
    expect(Object.keys(cred.entry.changes as object)).not.toContain('pinHash');

    const [raw] = await db.pool.query<RowDataPacket[]>('SELECT CAST(entry AS CHAR) AS e FROM audit_log');
    const text = raw.map((r) => String(r.e)).join('\n');
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toMatch(/"(password|hash|hashOptions|secret)":"[^[]/);

    // The function's own execution logs hold no secret either.
    const execs = await emu.functions.listExecutions({ functionId: 'audit' });
    const logs = execs.executions.map((x) => `${x.logs}\n${x.errors}`).join('\n');
    expect(execs.executions.every((x) => x.responseStatusCode === 200)).toBe(true);
    for (const s of secrets) expect(logs).not.toContain(s);

    expect(await verifyAuditChain({ pool: db.pool, checkpointKey: CHECKPOINT_KEY })).toMatchObject({ ok: true, checkedEntries: writes });
  });

  it('parses both event name families into the same entry', () => {
    const row = { $id: 'r1', $tableId: 'products', $createdAt: '2026-11-23T10:00:00.000+00:00', $updatedAt: '2026-11-23T10:00:00.000+00:00', storeId: 's1', name: 'Tea' };
    const a = entryForEvent('databases.pos.tables.products.rows.r1.create', row, '', 'pos');
    const b = entryForEvent('databases.pos.collections.products.documents.r1.create', row, '', 'pos');
    expect(a).toMatchObject({ action: 'row.created', target: { type: 'products', id: 'r1' }, storeId: 's1', occurredAt: row.$updatedAt });
    expect((a as { sourceEventKey: string }).sourceEventKey).toBe((b as { sourceEventKey: string }).sourceEventKey);
    // The same row's later update and its delete are distinct entries.
    const upd = entryForEvent('databases.pos.tables.products.rows.r1.update', { ...row, $updatedAt: '2026-11-23T11:00:00.000+00:00' }, '', 'pos');
    const del = entryForEvent('databases.pos.tables.products.rows.r1.delete', { ...row, $updatedAt: '2026-11-23T11:00:00.000+00:00' }, '', 'pos');
    expect(new Set([a, upd, del].map((e) => (e as { sourceEventKey: string }).sourceEventKey)).size).toBe(3);
    expect(entryForEvent('databases.other.tables.products.rows.r1.create', row, '', 'pos')).toEqual({ ignored: 'database other is not audited' });
    expect(entryForEvent('buckets.b.files.f.create', {}, '', 'pos')).toMatchObject({ ignored: expect.any(String) });
  });

  it('refuses malformed events with VALIDATION_FAILED', () => {
    expect(() => entryForEvent('', {}, '', 'pos')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => entryForEvent('databases.pos.tables.products.rows.r1.create', 'text', '', 'pos')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => entryForEvent('databases.pos.tables.products.rows.r1.create', { $id: 'r2' }, '', 'pos')).toThrow(/does not match row r1/);
  });
});
