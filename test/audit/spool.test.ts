/**
 * The `audit` function while MariaDB is down: Appwrite never retries a failed event execution, so
 * an entry that cannot be written within the retry budget is spooled to disk (fsync'd) and written
 * by the next execution, before that execution's own entry; nothing is lost and nothing doubled.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../functions/audit/handler.js';
import { createAuditAppender } from '../../infra/audit/appender.js';
import { AUDIT_SPOOL_FILE, spoolScope } from '../../infra/audit/spool.js';
import { createPool } from '../../infra/mariadb.js';
import { migrate } from '../../infra/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.js';

const log = pino({ level: 'silent' });
const ctx = (event: string) => ({ event, userId: '', log });
const row = (id: string, at: string) => ({ $id: id, $tableId: 'products', $databaseId: 'pos', $createdAt: at, $updatedAt: at, storeId: 'st1', sku: id, name: 'Tea', priceMinor: 250, currency: 'EUR' });

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase('tg_audit_spool');
  await migrate({ url: db.url });
  dir = await mkdtemp(join(tmpdir(), 'tg-audit-spool-'));
});
afterAll(async () => {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('audit spool', () => {
  it('spools an entry MariaDB cannot take, then writes it first on the next execution, once', async () => {
    // Nothing listens on port 9: every append fails as during an outage.
    const downPool = createPool('mysql://root@127.0.0.1:9/tillgate', 1);
    const down = createAuditAppender({ pool: downPool, log, consoleOutbox: false, retries: 0 });
    const during = await recordEvent(row('p-during', '2026-11-23T10:00:00.000+00:00'), { appender: down, databaseId: 'pos', spoolDir: dir, retryBudgetMs: 300, log }, ctx('databases.pos.tables.products.rows.p-during.create'));
    expect(during).toEqual({ status: 'spooled', action: 'row.created' });
    expect((await stat(join(dir, AUDIT_SPOOL_FILE))).mode & 0o777).toBe(0o600);
    await down.close().catch(() => undefined);
    await downPool.end();

    const pool = createPool(db.url, 2);
    const up = createAuditAppender({ pool, log, consoleOutbox: false });
    const resources = { appender: up, databaseId: 'pos', spoolDir: dir, log };
    const after = await recordEvent(row('p-after', '2026-11-23T10:00:05.000+00:00'), resources, ctx('databases.pos.tables.products.rows.p-after.create'));
    expect(after.status).toBe('recorded');
    // A duplicated delivery of the spooled event (Appwrite may deliver twice) changes nothing.
    const again = await recordEvent(row('p-during', '2026-11-23T10:00:00.000+00:00'), resources, ctx('databases.pos.tables.products.rows.p-during.create'));
    expect(again.status).toBe('duplicate');
    const [rows] = await db.pool.query<RowDataPacket[]>('SELECT target_id FROM audit_log ORDER BY seq');
    expect(rows.map((r) => r.target_id)).toEqual(['p-during', 'p-after']);
    expect(await readdir(dir)).toEqual([]);
    await up.close();
    await pool.end();
  });

  it('keeps each database its own spool folder', () => {
    expect(spoolScope('mysql://root@127.0.0.1:3306/tillgate')).toBe('127.0.0.1_3306_tillgate');
    expect(spoolScope('mysql://app:pw@db.internal/shop%2Fa')).toBe('db.internal_3306_shop_a');
  });
});
