import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowDataPacket } from 'mysql2/promise';
import { createAuditAppender } from '../../infra/audit/appender.js';
import type { TestDatabase } from '../support/mariadb.js';
import { CHECKPOINT_KEY, createAuditDatabase, memoryLogger } from './audit-db.js';

/** Plaintext credentials fed to the appender; none may be stored or logged. */
const SECRETS = {
  pin: '482913',
  newPin: '774411',
  password: 'Tr0ub4dor&3-plain',
  passwordHash: '$2a$10$abcdefghijklmnopqrstuvPASSHASH',
  token: 'tok_9f8e7d6c5b4a3f2e1d0c',
  sessionSecret: 'sess_secret_5a4b3c2d1e0f',
  apiKey: 'standard_0123456789abcdefapikey',
  pinIndex: 'a1b2c3d4e5f6pinindex',
  enrollmentCode: 'ENR-7788-9911',
};

describe('no credential reaches an audit row or a log line', () => {
  let db: TestDatabase;
  const { log, lines } = memoryLogger();
  beforeAll(async () => {
    db = await createAuditDatabase();
    const appender = createAuditAppender({ pool: db.pool, log, checkpointKey: CHECKPOINT_KEY, checkpointEvery: { entries: 1 } });
    await Promise.all([
      appender.append({
        action: 'staff.pin_changed', outcome: 'success', reason: 'self-service',
        actor: { type: 'user', id: 'u1', role: 'cashier' },
        changes: { pin: { before: SECRETS.pin, after: SECRETS.newPin }, pinHash: { before: 'x', after: SECRETS.passwordHash }, pinIndex: { after: SECRETS.pinIndex } },
      }),
      appender.append({
        action: 'user.external_change', outcome: 'success', reason: 'users.u2.update',
        actor: { type: 'system', id: 'audit-fn' }, sourceEventKey: 'e1',
        // An Appwrite User model and a session as event payloads carry them (DESIGN.md).
        metadata: { payload: { $id: 'u2', password: SECRETS.passwordHash, hash: 'bcrypt', sessions: [{ secret: SECRETS.sessionSecret }], prefs: { apiKey: SECRETS.apiKey } } },
      }),
      appender.append({
        action: 'auth.login_failed', outcome: 'failure', reason: 'INVALID_CREDENTIALS',
        actor: { type: 'user', id: 'u3' },
        metadata: { request: { password: SECRETS.password, headers: { Authorization: `Bearer ${SECRETS.token}` } }, Token: SECRETS.token },
      }),
      appender.append({
        action: 'terminal.enrolled', outcome: 'success', reason: 'code redeemed', actor: { type: 'terminal', id: 't1' },
        changes: { status: { before: 'pending', after: 'active' }, credential: { after: { enrollmentCode: SECRETS.enrollmentCode } } },
      }),
    ]);
    await appender.close();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('stores the entries with the credentials masked', async () => {
    const [rows] = await db.pool.query<RowDataPacket[]>('SELECT CAST(entry AS CHAR) AS entry FROM audit_log WHERE action = ?', ['staff.pin_changed']);
    const entry = JSON.parse(String(rows[0]!.entry)) as { changes: Record<string, unknown> };
    expect(entry.changes.pin).toEqual({ before: '[MASKED]', after: '[MASKED]' });
    expect(entry.changes.pinIndex).toEqual({ before: null, after: '[MASKED]' });
  });

  it('holds no plaintext value in any column of any audit table, nor in the log', async () => {
    const dump: string[] = [];
    for (const table of ['audit_log', 'audit_checkpoints', 'audit_head', 'audit_console_outbox']) {
      const [rows] = await db.pool.query<RowDataPacket[]>(`SELECT * FROM ${table}`);
      dump.push(JSON.stringify(rows));
    }
    const haystack = `${dump.join('\n')}\n${lines.join('\n')}`;
    expect(dump[0]!.length).toBeGreaterThan(500);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(haystack.includes(value), `${name} leaked`).toBe(false);
    }
  });
});
