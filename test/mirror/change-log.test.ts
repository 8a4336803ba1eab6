/**
 * The change log (`mirror_change_log`): one row per distinct change, deduplicated by its key
 * (table, row id, `$updatedAt`, `$sequence`, action) also across batches, with the payload
 * exactly as received (any text survives the writer's own SQL literal) minus secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeFromResource } from '../../core/mirror/events.js';
import { USERS_SOURCE_ID } from '../../core/mirror/schema.js';
import type { MirrorWriter } from '../../infra/mirror/writer.js';
import { rows, startMirrorDatabase, type MirrorDatabase } from './support.js';

let m: MirrorDatabase;
let db: MirrorDatabase['db'];
let writer: MirrorWriter;
beforeAll(async () => {
  m = await startMirrorDatabase('tg_mirror_change_log');
  db = m.db;
  writer = m.writer();
});
afterAll(() => m.stop());

const tricky = `it's "quoted", back\\slash \\' \\\\' '' ; -- /* */ \u0000 \u001a \n\r\t ü € 𝄞 ?`;
const product = (id: string, second: number, name: string) =>
  changeFromResource('products', 'update', { $id: id, $sequence: '7', $createdAt: '2026-11-23T10:00:00.000+00:00', $updatedAt: `2026-11-23T10:00:0${second}.000+00:00`, $permissions: ['read("any")'], name, sku: "O'Brien\\", tags: [tricky, { nested: tricky }] }, `databases.pos.tables.products.rows.${id}.update`);

describe('mirror change log', () => {
  it('stores any payload text exactly as received', async () => {
    const ev = product('cl1', 1, tricky);
    expect(await writer.submit(ev)).toBe('applied');
    const [row] = await rows(db.pool, "SELECT table_name, row_id, updated_at, sequence, action, event_name, payload FROM mirror_change_log WHERE row_id = 'cl1'");
    expect(typeof row!.payload === 'string' ? JSON.parse(row!.payload) : row!.payload).toEqual(JSON.parse(JSON.stringify(ev.payload)));
    expect({ ...row, payload: undefined, updated_at: (row!.updated_at as Date).toISOString(), sequence: String(row!.sequence) }).toEqual({ table_name: 'pos_products', row_id: 'cl1', updated_at: '2026-11-23T10:00:01.000Z', sequence: '7', action: 'update', event_name: 'databases.pos.tables.products.rows.cl1.update', payload: undefined });
    const [mirrored] = await rows(db.pool, "SELECT name, sku FROM pos_products WHERE id = 'cl1'");
    expect(mirrored).toEqual({ name: tricky, sku: "O'Brien\\" });
  });

  it('stores a large batch the same way (whole chunks of rows are sent as a prepared statement, the rest as text)', async () => {
    const one = m.writer({ lanes: 1 });
    const batch = Array.from({ length: 250 }, (_, i) => product(`big${String(i).padStart(3, '0')}`, 1, `${tricky} #${i}`));
    expect(new Set(await Promise.all(batch.map((e) => one.submit(e))))).toEqual(new Set(['applied']));
    const logged = await rows(db.pool, "SELECT row_id, updated_at, sequence, action, event_name, payload FROM mirror_change_log WHERE row_id LIKE 'big%' ORDER BY row_id");
    expect(logged).toHaveLength(250);
    for (const [i, row] of logged.entries()) {
      const ev = batch[i]!;
      expect(typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload).toEqual(JSON.parse(JSON.stringify(ev.payload)));
      expect([row.row_id, (row.updated_at as Date).toISOString(), String(row.sequence), row.action, row.event_name]).toEqual([ev.rowId, '2026-11-23T10:00:01.000Z', '7', 'update', ev.eventName]);
    }
  });

  it("stores the change's time in UTC whatever the process's time zone (binary DATETIMEs from Dates)", async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Pacific/Auckland'; // UTC+13 on that date: a local-time write would be 13 h off
    try {
      expect(new Date('2026-11-23T10:00:01.000Z').getHours()).toBe(23);
      const one = m.writer({ lanes: 1 });
      // 101 changes: one whole prepared chunk of 100 and one row through the text statement.
      const batch = Array.from({ length: 101 }, (_, i) => product(`tz${String(i).padStart(3, '0')}`, 1, `tz ${i}`));
      const before = Date.now();
      expect(new Set(await Promise.all(batch.map((e) => one.submit(e))))).toEqual(new Set(['applied']));
      const logged = await rows(db.pool, "SELECT CAST(updated_at AS CHAR) AS at, CAST(applied_at AS CHAR) AS applied FROM mirror_change_log WHERE row_id LIKE 'tz%'");
      expect(logged).toHaveLength(101);
      expect(new Set(logged.map((r) => r.at))).toEqual(new Set(['2026-11-23 10:00:01.000']));
      for (const r of logged) {
        const applied = Date.parse(`${String(r.applied).replace(' ', 'T')}Z`);
        expect(applied).toBeGreaterThanOrEqual(before - 1000);
        expect(applied).toBeLessThanOrEqual(Date.now() + 1000);
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('records a change once, whether repeated in a batch or in a later one', async () => {
    const batch = [product('cl2', 1, 'a'), product('cl2', 1, 'a'), product('cl2', 2, 'b'), product('cl3', 1, 'c')];
    expect(await Promise.all(batch.map((e) => writer.submit(e)))).toEqual(['skipped', 'skipped', 'applied', 'applied']);
    expect(await Promise.all([product('cl2', 1, 'a'), product('cl3', 1, 'c'), product('cl2', 2, 'b')].map((e) => writer.submit(e)))).toEqual(['skipped', 'skipped', 'skipped']);
    const logged = await rows(db.pool, "SELECT row_id, updated_at FROM mirror_change_log WHERE row_id IN ('cl2', 'cl3') ORDER BY row_id, updated_at");
    expect(logged.map((r) => `${r.row_id}@${(r.updated_at as Date).toISOString()}`)).toEqual(['cl2@2026-11-23T10:00:01.000Z', 'cl2@2026-11-23T10:00:02.000Z', 'cl3@2026-11-23T10:00:01.000Z']);
  });

  it('never logs password hashes', async () => {
    const user = { $id: 'u-cl', $createdAt: '2026-11-23T10:00:00.000+00:00', $updatedAt: '2026-11-23T10:00:00.000+00:00', name: 'Ann', email: 'ann@example.com', password: '$argon2id$v=19$m=65536$secret', hash: 'argon2', hashOptions: { memoryCost: 65536 }, registration: '2026-11-23T10:00:00.000+00:00', labels: ['cashier'], status: true, prefs: {} };
    expect(await writer.submit(changeFromResource(USERS_SOURCE_ID, 'create', user, 'users.u-cl.create'))).toBe('applied');
    const [row] = await rows(db.pool, "SELECT payload FROM mirror_change_log WHERE row_id = 'u-cl'");
    const payload = typeof row!.payload === 'string' ? JSON.parse(row!.payload) : row!.payload;
    expect(Object.keys(payload)).not.toContain('password');
    expect(JSON.stringify(payload)).not.toMatch(/argon2|hashOptions/);
    expect(payload).toMatchObject({ $id: 'u-cl', name: 'Ann', labels: ['cashier'] });
  });
});
