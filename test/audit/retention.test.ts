/**
 * Audit retention on real MariaDB: entries older than a year move into a compressed, signed
 * archive file; the live chain still verifies from the anchor; the archive verifies on its own;
 * younger entries stay unless forced; tampering with the archive or the anchor is detected; a
 * broken chain is never archived.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditAppender, type AuditAppender } from '../../infra/audit/appender.js';
import { listManifests, verifyArchive, verifyArchiveSet } from '../../infra/audit/archive.js';
import { runRetention, type RetentionOptions } from '../../infra/audit/retention.js';
import { verifyAuditChain } from '../../infra/audit/verify.js';
import { migrate } from '../../infra/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.js';
import { CHECKPOINT_KEY, memoryLogger } from './audit-db.js';

const DAY = 86_400_000;
const ROOT = join(import.meta.dirname, '..', '..');
const NOW = new Date('2026-11-23T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);

let db: TestDatabase;
let dir: string;
const { log } = memoryLogger();

async function appendAt(when: Date, n: number, action: 'auth.login' | 'auth.login_failed' = 'auth.login'): Promise<void> {
  const a = createAuditAppender({ pool: db.pool, log, checkpointKey: CHECKPOINT_KEY, checkpointEvery: { entries: 7 }, now: () => when });
  for (let i = 0; i < n; i++) await a.append({ action, outcome: 'success', reason: 'password', actor: { type: 'user', id: `u${i}` }, storeId: 'store-a' });
  await a.close();
}

async function retention(over: Partial<RetentionOptions> = {}) {
  const appender: AuditAppender = createAuditAppender({ pool: db.pool, log, checkpointKey: CHECKPOINT_KEY, now: () => NOW });
  try {
    return await runRetention({ pool: db.pool, appender, log, archiveDir: dir, hotDays: 90, checkpointKey: CHECKPOINT_KEY, now: () => NOW, pageSize: 4, ...over });
  } finally {
    await appender.close();
  }
}

const count = async (sql: string) => Number((await db.pool.query<RowDataPacket[]>(sql))[0][0]!.n);

beforeAll(async () => {
  db = await createTestDatabase('tg_retention');
  await migrate({ url: db.url });
  dir = await mkdtemp(join(tmpdir(), 'tg-audit-archive-'));
  await appendAt(daysAgo(400), 23); // seq 1..23: older than a year
  await appendAt(daysAgo(100), 9); // seq 24..32: older than AUDIT_HOT_DAYS, younger than a year
  await appendAt(daysAgo(2), 5); // seq 33..37: hot
});
afterAll(async () => {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('audit retention', () => {
  it('a dry run reports the range and changes nothing', async () => {
    const r = await retention({ dryRun: true });
    expect(r).toMatchObject({ status: 'dry_run', range: { firstSeq: 1, lastSeq: 23, entries: 23 }, forced: false });
    expect(await count('SELECT COUNT(*) AS n FROM audit_log')).toBe(37);
    expect(await listManifests(dir)).toEqual([]);
  });

  it('archives only entries older than 365 days, and the live chain verifies from the anchor', async () => {
    const r = await retention();
    expect(r.status).toBe('archived');
    expect(r.manifest).toMatchObject({ firstSeq: 1, lastSeq: 23, entries: 23, firstPrevHash: '0'.repeat(64) });
    expect(await count('SELECT MIN(seq) AS n FROM audit_log')).toBe(24);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE occurred_at < '2025-11-23 12:00:00.000'")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE occurred_at < '2026-08-25 12:00:00.000'")).toBe(9);

    const report = await verifyAuditChain({ pool: db.pool, checkpointKey: CHECKPOINT_KEY });
    expect(report).toMatchObject({ ok: true, anchor: { seq: 23, hash: r.manifest!.lastHash } });
    expect(report.checkedEntries).toBe(37 - 23 + 1); // + the audit.retention entry
    const [rows] = await db.pool.query<RowDataPacket[]>("SELECT entry FROM audit_log WHERE action = 'audit.retention'");
    const entry = (typeof rows[0]!.entry === 'string' ? JSON.parse(rows[0]!.entry) : rows[0]!.entry) as { outcome: string; metadata: { firstSeq: number; lastSeq: number; file: string } };
    expect(entry).toMatchObject({ outcome: 'success', metadata: { firstSeq: 1, lastSeq: 23, file: r.manifest!.file } });
  });

  it('the archive is readable with standard tools and verifies on its own', async () => {
    const [manifest] = await listManifests(dir);
    expect(await verifyArchive(dir, manifest!, CHECKPOINT_KEY)).toMatchObject({ ok: true, entries: 23, firstSeq: 1, lastSeq: 23, signatureChecked: true });
    const m = JSON.parse(await readFile(join(dir, manifest!), 'utf8')) as { file: string };
    const { stdout } = await promisify(execFile)('sh', ['-c', `gzip -dc '${join(dir, m.file)}' | wc -l`]);
    expect(Number(stdout.trim())).toBe(23);
    const lines = gunzipSync(await readFile(join(dir, m.file))).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; entry: { action: string } });
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(lines[0]!.entry.action).toBe('auth.login');
  });

  it('keeps younger entries unless forced; forced, it archives down to AUDIT_HOT_DAYS and the archives join', async () => {
    expect(await retention()).toMatchObject({ status: 'nothing_to_archive' });
    const forced = await retention({ force: true });
    expect(forced).toMatchObject({ status: 'archived', forced: true, manifest: { firstSeq: 24, lastSeq: 32 } });
    expect(await count('SELECT MIN(seq) AS n FROM audit_log')).toBe(33);
    expect(await verifyAuditChain({ pool: db.pool, checkpointKey: CHECKPOINT_KEY })).toMatchObject({ ok: true, anchor: { seq: 32 } });
    const set = await verifyArchiveSet(dir, CHECKPOINT_KEY, { seq: 32, hash: forced.manifest!.lastHash });
    expect(set).toMatchObject({ ok: true, startsAtGenesis: true, last: { seq: 32 } });
    expect(set.archives).toHaveLength(2);
    // Hot entries (2 days old) are never archived, forced or not.
    expect(await retention({ force: true })).toMatchObject({ status: 'nothing_to_archive' });
  });

  it('detects a modified archive file and a forged manifest', async () => {
    const [first] = await listManifests(dir);
    const path = join(dir, first!);
    const original = await readFile(path, 'utf8');
    const m = JSON.parse(original) as { file: string; entries: number };
    const dataPath = join(dir, m.file);
    const data = await readFile(dataPath);
    try {
      const tampered = Buffer.from(data);
      tampered[Math.floor(tampered.length / 2)]! ^= 0xff;
      await writeFile(dataPath, tampered);
      expect((await verifyArchive(dir, first!, CHECKPOINT_KEY)).ok).toBe(false);
      await writeFile(dataPath, data);
      await writeFile(path, JSON.stringify({ ...m, entries: m.entries - 1 }));
      expect(await verifyArchive(dir, first!, CHECKPOINT_KEY)).toMatchObject({ ok: false, problem: 'manifest signature does not verify' });
      expect((await verifyArchiveSet(dir, CHECKPOINT_KEY)).ok).toBe(false);
    } finally {
      await writeFile(path, original);
      await writeFile(dataPath, data);
    }
    expect((await verifyArchiveSet(dir, CHECKPOINT_KEY)).ok).toBe(true);
  });

  it('detects an anchor moved to hide deleted entries', async () => {
    const [a] = await db.pool.query<RowDataPacket[]>('SELECT seq, hash FROM audit_archive_anchor');
    const [next] = await db.pool.query<RowDataPacket[]>('SELECT seq, hash FROM audit_log ORDER BY seq LIMIT 1');
    await db.pool.query('DELETE FROM audit_log WHERE seq = ?', [next[0]!.seq]);
    await db.pool.query('UPDATE audit_archive_anchor SET seq = ?, hash = ?', [next[0]!.seq, next[0]!.hash]);
    const report = await verifyAuditChain({ pool: db.pool, checkpointKey: CHECKPOINT_KEY });
    expect(report).toMatchObject({ ok: false, firstBroken: { reason: 'CHECKPOINT_MISMATCH', seq: Number(next[0]!.seq) } });
    await db.pool.query('UPDATE audit_archive_anchor SET seq = ?, hash = ?', [a[0]!.seq, a[0]!.hash]);
  });

  it('never archives a broken chain and deletes nothing then', async () => {
    const other = await createTestDatabase('tg_retention_broken');
    const otherDir = await mkdtemp(join(tmpdir(), 'tg-audit-archive-'));
    try {
      await migrate({ url: other.url });
      const a = createAuditAppender({ pool: other.pool, log, checkpointKey: CHECKPOINT_KEY, now: () => daysAgo(500) });
      for (let i = 0; i < 6; i++) await a.append({ action: 'auth.login', outcome: 'success', reason: 'password', actor: { type: 'user', id: `u${i}` } });
      await a.close();
      await other.pool.query("UPDATE audit_log SET entry = JSON_SET(entry, '$.reason', 'edited') WHERE seq = 3");
      const appender = createAuditAppender({ pool: other.pool, log, checkpointKey: CHECKPOINT_KEY, now: () => NOW });
      await expect(runRetention({ pool: other.pool, appender, log, archiveDir: otherDir, hotDays: 90, checkpointKey: CHECKPOINT_KEY, now: () => NOW })).rejects.toThrow(/broken at seq 3/);
      await appender.close();
      expect(Number((await other.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM audit_log WHERE action = ?', ['auth.login']))[0][0]!.n)).toBe(6);
      const [failed] = await other.pool.query<RowDataPacket[]>("SELECT outcome FROM audit_log WHERE action = 'audit.retention'");
      expect(failed.map((r) => r.outcome)).toEqual(['failure']);
      expect(await listManifests(otherDir)).toEqual([]);
    } finally {
      await other.drop();
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('npm run audit:retention: --verify-archives and --dry-run', async () => {
    const cli = async (args: string[], env: Record<string, string> = {}) => {
      try {
        const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/audit-retention.ts', ...args], {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', MARIADB_URL: db.url, AUDIT_CHECKPOINT_KEY: CHECKPOINT_KEY, AUDIT_ARCHIVE_DIR: dir, LOG_LEVEL: 'silent', ...env },
        });
        return { code: 0, stdout };
      } catch (e) {
        const err = e as { code: number; stdout: string; stderr: string };
        return { code: err.code, stdout: err.stdout + err.stderr };
      }
    };
    expect(await cli(['--verify-archives'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/audit archives OK: 2 files, 32 entries through seq 32/) });
    expect(await cli(['--dry-run'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/nothing to archive/) });
    expect(await cli(['--dry-run'], { AUDIT_CHECKPOINT_KEY: '' })).toMatchObject({ code: 2 });
    expect(await cli(['--bogus'])).toMatchObject({ code: 2, stdout: expect.stringMatching(/unknown argument --bogus/) });
  });

  it('refuses to run without a checkpoint key', async () => {
    await expect(retention({ checkpointKey: 'short' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
