import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { createAuditAppender } from '../../infra/audit/appender.js';
import { verifyAuditChain } from '../../infra/audit/verify.js';
import { MARIADB_SERVER_URL, type TestDatabase } from '../support/mariadb.js';
import { CHECKPOINT_KEY, createAuditDatabase, memoryLogger } from './audit-db.js';

/** The grants documented in infra/audit/verify.ts, for a throw-away user. */
const grants = (db: string, user: string) => [
  `GRANT SELECT, INSERT ON \`${db}\`.audit_log TO ${user}`,
  `GRANT SELECT, INSERT ON \`${db}\`.audit_checkpoints TO ${user}`,
  `GRANT SELECT, UPDATE ON \`${db}\`.audit_head TO ${user}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON \`${db}\`.audit_console_outbox TO ${user}`,
];

describe('append-only grants for the application user', () => {
  let db: TestDatabase;
  let app: mysql.Pool;
  const name = `tg_app_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const user = `'${name}'@'%'`;

  beforeAll(async () => {
    db = await createAuditDatabase();
    await db.pool.query(`CREATE USER ${user} IDENTIFIED BY '${password}'`);
    for (const g of grants(db.name, user)) await db.pool.query(g);
    const url = new URL(MARIADB_SERVER_URL);
    app = mysql.createPool({ host: url.hostname, port: Number(url.port || 3306), user: name, password, database: db.name, connectionLimit: 4 });
  });

  afterAll(async () => {
    await app.end();
    await db.pool.query(`DROP USER IF EXISTS ${user}`);
    await db.drop();
  });

  it('lets the appender write entries and checkpoints', async () => {
    const { log } = memoryLogger();
    const appender = createAuditAppender({ pool: app, log, checkpointKey: CHECKPOINT_KEY, checkpointEvery: { entries: 5 } });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => appender.append({ action: 'auth.login', outcome: 'success', reason: 'password', actor: { type: 'user', id: `u${i}` } })),
    );
    await appender.close();
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await verifyAuditChain({ pool: app, checkpointKey: CHECKPOINT_KEY })).toMatchObject({ ok: true, checkedEntries: 12 });
  });

  it.each([
    { name: 'UPDATE of an entry', sql: "UPDATE audit_log SET outcome = 'failure' WHERE seq = 1" },
    { name: 'DELETE of an entry', sql: 'DELETE FROM audit_log WHERE seq = 1' },
    { name: 'TRUNCATE of the log', sql: 'TRUNCATE TABLE audit_log' },
    { name: 'UPDATE of a checkpoint', sql: "UPDATE audit_checkpoints SET hash = REPEAT('0', 64)" },
    { name: 'DELETE of a checkpoint', sql: 'DELETE FROM audit_checkpoints' },
    { name: 'DROP of the log', sql: 'DROP TABLE audit_log' },
  ])('refuses $name', async ({ sql }) => {
    await expect(app.query(sql)).rejects.toMatchObject({ code: expect.stringMatching(/ACCESS_DENIED/) });
  });

  it('left the log untouched after the refused statements', async () => {
    expect(await verifyAuditChain({ pool: db.pool, checkpointKey: CHECKPOINT_KEY })).toMatchObject({ ok: true, checkedEntries: 12 });
  });
});
