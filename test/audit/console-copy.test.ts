/**
 * The Appwrite console copy of the audit trail: entries reach the `audit_logs` table; while
 * Appwrite is unreachable they stay in the outbox with their attempts counted, and are copied
 * once it answers again.
 */
import type { RowDataPacket } from 'mysql2';
import { Query } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppwriteAdmin } from '../../infra/appwrite.js';
import { createAuditAppender } from '../../infra/audit/appender.js';
import { createConsoleCopy } from '../../infra/audit/console-copy.js';
import { createLogger } from '../../infra/logger.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
const log = createLogger({ level: 'silent', service: 'test' });
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => t.stop());

describe('audit console copy', () => {
  it('keeps entries while Appwrite is down, then copies them in order', async () => {
    await t.gateway.stop(); // the gateway's own copier stops (and drains), so this test owns the outbox
    const appender = createAuditAppender({ pool: t.db.pool, log, consoleOutbox: true });
    for (let i = 0; i < 3; i++) await appender.append({ action: 'auth.login_failed', outcome: 'failure', reason: 'INVALID_CREDENTIALS', actor: { type: 'system', id: 'anonymous' } });
    await appender.close();
    const down = createConsoleCopy(t.db.pool, createAppwriteAdmin({ endpoint: 'http://127.0.0.1:9/v1', projectId: t.emu.projectId, apiKey: t.emu.apiKey }), 'pos', log);
    expect(await down.drainOnce()).toBe(0);
    const [pending] = await t.db.pool.query<RowDataPacket[]>('SELECT seq, attempts, last_error FROM audit_console_outbox ORDER BY seq');
    expect(pending.length).toBe(3);
    expect(Number(pending[0]!.attempts)).toBe(1);
    await t.db.pool.query('UPDATE audit_console_outbox SET next_attempt_at = CURRENT_TIMESTAMP(3)');
    const up = createConsoleCopy(t.db.pool, t.admin, 'pos', log);
    expect(await up.drainOnce()).toBe(pending.length);
    const [left] = await t.db.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM audit_console_outbox');
    expect(Number(left[0]!.n)).toBe(0);
    const rows = await t.admin.tablesDB.listRows({ databaseId: 'pos', tableId: 'audit_logs' });
    expect(rows.total).toBeGreaterThanOrEqual(3);
    expect(rows.rows.some((r) => (r as unknown as { action: string }).action === 'auth.login_failed')).toBe(true);
    // A second pass copies nothing twice; a retry after a crash (row written, outbox row not yet
    // deleted) finds the row under the entry's id and counts it as done.
    expect(await up.drainOnce()).toBe(0);
    await t.db.pool.query('INSERT INTO audit_console_outbox (seq) VALUES (?)', [pending[0]!.seq]);
    expect(await up.drainOnce()).toBe(1);
    const copies = await t.admin.tablesDB.listRows({ databaseId: 'pos', tableId: 'audit_logs', queries: [Query.equal('seq', Number(pending[0]!.seq))] });
    expect(copies.total).toBe(1);
    const [stored] = await t.db.pool.query<RowDataPacket[]>('SELECT id, hash FROM audit_log WHERE seq = ?', [pending[0]!.seq]);
    // Row id = entry id; no row permissions beyond the table's (admins read, nobody writes).
    expect(copies.rows[0]).toMatchObject({ $id: stored[0]!.id, entryId: stored[0]!.id, hash: stored[0]!.hash, $permissions: [] });
  });

  it('a started copier drains a backlog of several batches in the background', async () => {
    const appender = createAuditAppender({ pool: t.db.pool, log, consoleOutbox: true });
    await Promise.all(Array.from({ length: 230 }, (_, i) => appender.append({ action: 'auth.logout', outcome: 'success', reason: 'backlog', actor: { type: 'user', id: `b${i}` } })));
    await appender.close();
    const copier = createConsoleCopy(t.db.pool, t.admin, 'pos', log, { concurrency: 8 });
    copier.start(20);
    const deadline = Date.now() + 20_000;
    let left = -1;
    while (Date.now() < deadline) {
      const [r] = await t.db.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM audit_console_outbox');
      left = Number(r[0]!.n);
      if (left === 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await copier.stop();
    expect(left).toBe(0);
    const rows = await t.admin.tablesDB.listRows({ databaseId: 'pos', tableId: 'audit_logs', queries: [Query.equal('summary', 'backlog'), Query.limit(500)] });
    expect(rows.total).toBe(230);
    await t.restart();
  });
});
