import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { AuditEntryInput } from '../../core/audit/entry.js';
import { createAuditAppender } from '../../infra/audit/appender.js';
import { verifyAuditChain } from '../../infra/audit/verify.js';
import type { TestDatabase } from '../support/mariadb.js';
import { CHECKPOINT_KEY, createAuditDatabase, memoryLogger } from './audit-db.js';

const entry = (i: number, extra: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  action: 'sale.created',
  outcome: 'success',
  reason: 'checkout',
  actor: { type: 'user', id: `cashier-${i % 7}`, role: 'cashier' },
  storeId: 'store-1',
  target: { type: 'sale', id: `sale-${i}` },
  ...extra,
});

async function count(db: TestDatabase, table: string): Promise<number> {
  const [rows] = await db.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

describe('audit appender on MariaDB', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createAuditDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('2,000 appends from 20 concurrent writers and two appenders with their own pools form one gapless valid chain', async () => {
    const { log, lines } = memoryLogger();
    const poolB = mysql.createPool({ uri: db.url, connectionLimit: 5 });
    const a = createAuditAppender({ pool: db.pool, log, checkpointKey: CHECKPOINT_KEY, checkpointEvery: { entries: 250 }, batchMaxSize: 64 });
    const b = createAuditAppender({ pool: poolB, log, checkpointKey: CHECKPOINT_KEY, checkpointEvery: { entries: 250 }, batchMaxSize: 64 });
    const seqs: number[] = [];
    const writers = Array.from({ length: 20 }, async (_, w) => {
      const appender = w % 2 === 0 ? a : b;
      for (let k = 0; k < 100; k++) {
        const r = await appender.append(entry(w * 100 + k));
        expect(r.duplicate).toBe(false);
        seqs.push(r.seq);
      }
    });
    await Promise.all(writers);
    await Promise.all([a.close(), b.close()]);
    await poolB.end();

    expect(seqs.length).toBe(2000);
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    const report = await verifyAuditChain({ pool: db.pool, checkpointKey: CHECKPOINT_KEY, pageSize: 300 });
    expect(report).toMatchObject({ ok: true, checkedEntries: 2000, head: { seq: 2000 } });
    expect(report.checkpointsVerified).toBeGreaterThanOrEqual(7);
    expect(report.lastVerifiedCheckpoint?.seq).toBeGreaterThan(1700);
    expect(await count(db, 'audit_console_outbox')).toBe(2000);
    // Checkpoints are also in the log, with their hash readable (not redacted).
    const logged = lines.map((l) => JSON.parse(l) as { checkpoint?: { seq: number; chainHash: string } }).filter((l) => l.checkpoint);
    expect(logged.length).toBe(report.checkpointsVerified);
    expect(logged[0]!.checkpoint!.chainHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stores an entry with a duplicated sourceEventKey once, also when the duplicates race in one batch', async () => {
    const { log } = memoryLogger();
    const appender = createAuditAppender({ pool: db.pool, log, consoleOutbox: false });
    const before = await count(db, 'audit_log');
    const ev = entry(1, { action: 'row.updated', sourceEventKey: 'evt-123:rows.update', actor: { type: 'system', id: 'audit-fn' } });
    const [r1, r2] = await Promise.all([appender.append(ev), appender.append(ev)]);
    const r3 = await appender.append(ev);
    expect(r1).toMatchObject({ duplicate: false });
    expect([r2.seq, r3.seq]).toEqual([r1.seq, r1.seq]);
    expect([r2.duplicate, r3.duplicate]).toEqual([true, true]);
    // A caller retrying with the same id (its COMMIT answer was lost) is not stored twice either.
    const id = '7d8b2f0e-52a3-4c55-9f0f-6d2b9a1e4c11';
    const first = await appender.append(entry(2, { id }));
    expect(await appender.append(entry(2, { id }))).toMatchObject({ seq: first.seq, duplicate: true });
    await appender.close();
    expect(await count(db, 'audit_log')).toBe(before + 2);
    const [rows] = await db.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM audit_log WHERE source_event_key = 'evt-123:rows.update'");
    expect(Number(rows[0]!.n)).toBe(1);
    expect((await verifyAuditChain({ pool: db.pool, checkpointKey: CHECKPOINT_KEY })).ok).toBe(true);
  });

  it('rejects every entry of a batch that cannot be written and stores none of it; the chain stays valid', async () => {
    const { log } = memoryLogger();
    const appender = createAuditAppender({ pool: db.pool, log, retries: 0, consoleOutbox: true });
    const before = await count(db, 'audit_log');
    // The outbox insert runs after the audit_log insert in the same transaction: break it.
    await db.pool.query('RENAME TABLE audit_console_outbox TO audit_console_outbox_away');
    try {
      const results = await Promise.allSettled([appender.append(entry(1)), appender.append(entry(2)), appender.append(entry(3))]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      const reason = (results[0] as PromiseRejectedResult).reason as { code: string };
      expect(reason.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(await count(db, 'audit_log')).toBe(before);
    } finally {
      await db.pool.query('RENAME TABLE audit_console_outbox_away TO audit_console_outbox');
    }
    const ok = await appender.append(entry(4));
    expect(ok.seq).toBe(before + 1);
    await appender.close();
    expect((await verifyAuditChain({ pool: db.pool })).ok).toBe(true);
  });

  it('refuses an invalid entry at once with VALIDATION_FAILED and appends after close are refused', async () => {
    const { log } = memoryLogger();
    const appender = createAuditAppender({ pool: db.pool, log });
    await expect(appender.append(entry(1, { action: 'sale.teleported' as 'sale.created' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await appender.close();
    await expect(appender.append(entry(1))).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('signs the head of a quiet chain on demand and only once', async () => {
    const { log } = memoryLogger();
    const appender = createAuditAppender({ pool: db.pool, log, checkpointKey: CHECKPOINT_KEY, checkpointEvery: { entries: 1_000_000, ms: 3_600_000 } });
    await appender.append(entry(9));
    const cp = await appender.checkpoint();
    const report = await verifyAuditChain({ pool: db.pool, checkpointKey: CHECKPOINT_KEY });
    expect(cp?.seq).toBe(report.head.seq);
    expect(await appender.checkpoint()).toBeUndefined();
    expect(report.lastVerifiedCheckpoint?.seq).toBe(report.head.seq);
    await appender.close();
  });
});
