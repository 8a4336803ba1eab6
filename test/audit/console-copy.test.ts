/**
 * The Appwrite console copy of the audit trail: entries reach the `audit_logs` table; while
 * Appwrite is unreachable they stay in the outbox with their attempts counted, and are copied
 * once it answers again.
 */
import type { RowDataPacket } from 'mysql2';
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
    // A second pass (a retry after a crash) copies nothing twice.
    expect(await up.drainOnce()).toBe(0);
    await t.restart();
  });
});
