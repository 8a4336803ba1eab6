import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RowDataPacket } from 'mysql2/promise';
import { canonicalJson } from '../../core/audit/canonical-json.js';
import { chainHash } from '../../core/audit/chain.js';
import { auditIndexColumns, createAuditEntry } from '../../core/audit/entry.js';
import { createAuditAppender } from '../../infra/audit/appender.js';
import { verifyAuditChain } from '../../infra/audit/verify.js';
import type { TestDatabase } from '../support/mariadb.js';
import { CHECKPOINT_KEY, createAuditDatabase, memoryLogger } from './audit-db.js';

/** 30 entries, checkpoints at 10, 20 and 30. */
async function seedChain(db: TestDatabase): Promise<void> {
  const { log } = memoryLogger();
  const appender = createAuditAppender({ pool: db.pool, log, checkpointKey: CHECKPOINT_KEY, checkpointEvery: { entries: 10, ms: 3_600_000 } });
  for (let i = 1; i <= 30; i++) {
    // One at a time so that batches, and thus checkpoints, fall on exact multiples of 10.
    await appender.append({
      action: i % 3 === 0 ? 'sale.voided' : 'staff.pin_login',
      outcome: 'success',
      reason: 'ok',
      actor: { type: 'user', id: `u${i}`, role: 'cashier' },
      storeId: 's1',
      terminalId: 't1',
    });
  }
  await appender.close();
}

/** What an attacker with full table access but without the key does: recompute every hash from `from`. */
async function rehashFrom(db: TestDatabase, from: number): Promise<void> {
  const [rows] = await db.pool.query<RowDataPacket[]>('SELECT seq, CAST(entry AS CHAR) AS entry FROM audit_log WHERE seq >= ? ORDER BY seq', [from]);
  const [prevRows] = await db.pool.query<RowDataPacket[]>('SELECT hash FROM audit_log WHERE seq = ?', [from - 1]);
  let prev = String(prevRows[0]!.hash);
  for (const r of rows) {
    const hash = chainHash(prev, JSON.parse(String(r.entry)));
    await db.pool.query('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?', [prev, hash, r.seq]);
    prev = hash;
  }
  await db.pool.query('UPDATE audit_head SET hash = ? WHERE id = 1', [prev]);
}

describe('audit verify detects tampering on MariaDB', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createAuditDatabase();
    await seedChain(db);
  });
  afterEach(async () => {
    await db.drop();
  });

  const verify = () => verifyAuditChain({ pool: db.pool, checkpointKey: CHECKPOINT_KEY, pageSize: 7 });

  it('an untouched chain verifies, with its last checkpoint', async () => {
    expect(await verify()).toMatchObject({ ok: true, checkedEntries: 30, checkpointsVerified: 3, lastVerifiedCheckpoint: { seq: 30 } });
  });

  it.each([
    { name: 'one field of the entry JSON', sql: `UPDATE audit_log SET entry = REPLACE(entry, '"sale.voided"', '"sale.created"') WHERE seq = 12`, seq: 12, reason: 'HASH_MISMATCH', cp: 10 },
    { name: 'one indexed column (actor)', sql: `UPDATE audit_log SET actor_id = 'u99' WHERE seq = 17`, seq: 17, reason: 'HASH_MISMATCH', cp: 10 },
    { name: 'the occurred_at column', sql: `UPDATE audit_log SET occurred_at = occurred_at - INTERVAL 1 DAY WHERE seq = 4`, seq: 4, reason: 'HASH_MISMATCH', cp: undefined },
    { name: 'a deleted row', sql: 'DELETE FROM audit_log WHERE seq = 15', seq: 15, reason: 'GAP', cp: 10 },
    { name: 'deleted rows at the tail', sql: 'DELETE FROM audit_log WHERE seq >= 26', seq: 26, reason: 'GAP', cp: 20 },
  ])('changing $name is reported at seq $seq ($reason)', async ({ sql, seq, reason, cp }) => {
    await db.pool.query(sql);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ seq, reason });
    expect(report.lastVerifiedCheckpoint?.seq).toBe(cp);
  });

  it('a forged row inserted after the chain, hashed correctly, is reported at its seq', async () => {
    const forged = createAuditEntry({ action: 'user.role_changed', outcome: 'success', reason: 'promoted', actor: { type: 'user', id: 'u1' } });
    const [head] = await db.pool.query<RowDataPacket[]>('SELECT hash FROM audit_log WHERE seq = 30');
    const prev = String(head[0]!.hash);
    const cols = auditIndexColumns(forged);
    await db.pool.query(
      `INSERT INTO audit_log (seq, ${Object.keys(cols).join(', ')}, entry, prev_hash, hash) VALUES (?, ${Object.keys(cols).map(() => '?').join(', ')}, ?, ?, ?)`,
      [31, ...Object.values(cols), canonicalJson(forged), prev, chainHash(prev, forged)],
    );
    expect((await verify()).firstBroken).toMatchObject({ seq: 31, reason: 'HEAD_MISMATCH' });
  });

  it('a forged row replacing a deleted one is reported at the first link it breaks', async () => {
    const [rows] = await db.pool.query<RowDataPacket[]>('SELECT prev_hash FROM audit_log WHERE seq = 8');
    const prev = String(rows[0]!.prev_hash);
    const forged = createAuditEntry({ action: 'sale.refunded', outcome: 'success', reason: 'x', actor: { type: 'user', id: 'u8' } });
    await db.pool.query('DELETE FROM audit_log WHERE seq = 8');
    const cols = auditIndexColumns(forged);
    await db.pool.query(
      `INSERT INTO audit_log (seq, ${Object.keys(cols).join(', ')}, entry, prev_hash, hash) VALUES (?, ${Object.keys(cols).map(() => '?').join(', ')}, ?, ?, ?)`,
      [8, ...Object.values(cols), canonicalJson(forged), prev, chainHash(prev, forged)],
    );
    expect((await verify()).firstBroken).toMatchObject({ seq: 9, reason: 'PREV_MISMATCH' });
  });

  it('rewriting the whole chain after a checkpoint (all hashes recomputed without the key) is caught by that checkpoint', async () => {
    await db.pool.query(`UPDATE audit_log SET entry = REPLACE(entry, '"u13"', '"u14"'), actor_id = 'u14' WHERE seq = 13`);
    await rehashFrom(db, 13);
    const report = await verify();
    expect(report.firstBroken).toMatchObject({ seq: 20, reason: 'CHECKPOINT_MISMATCH' });
    expect(report.lastVerifiedCheckpoint?.seq).toBe(10);
    expect(report.checkedEntries).toBe(19);
  });

  it('rewriting the chain and its checkpoints without the key is caught by the signature', async () => {
    await db.pool.query(`UPDATE audit_log SET entry = REPLACE(entry, '"u3"', '"u4"'), actor_id = 'u4' WHERE seq = 3`);
    await rehashFrom(db, 3);
    await db.pool.query('UPDATE audit_checkpoints c JOIN audit_log l ON l.seq = c.seq SET c.hash = l.hash');
    const report = await verify();
    expect(report.firstBroken).toMatchObject({ seq: 10, reason: 'CHECKPOINT_MISMATCH' });
    expect(report.lastVerifiedCheckpoint).toBeUndefined();
  });
});
