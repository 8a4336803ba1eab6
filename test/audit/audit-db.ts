/**
 * Test helpers for the audit suites: a fresh MariaDB database with the audit_log migration
 * applied (executed directly, statement by statement, until the migration runner exists) and a
 * logger whose lines are kept in memory for inspection.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Pool } from 'mysql2/promise';
import { createLogger, type Logger } from '../../infra/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.js';

export const AUDIT_MIGRATION = join(import.meta.dirname, '..', '..', 'migrations', '20261123130000_audit_log.sql');

/** The statements of a migration file: split on `;` at a line end, `--` comment lines removed. */
export function sqlStatements(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n');
  return text
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export async function applyAuditMigration(pool: Pool): Promise<void> {
  for (const stmt of sqlStatements(AUDIT_MIGRATION)) await pool.query(stmt);
}

/** A fresh database with the audit tables. */
export async function createAuditDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('tg_audit');
  await applyAuditMigration(db.pool);
  return db;
}

/** A logger writing JSON lines into `lines`. */
export function memoryLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      cb();
    },
  });
  return { log: createLogger({ level: 'debug', service: 'audit-test', destination }), lines };
}

export const CHECKPOINT_KEY = 'test-checkpoint-key-0123456789abcdef';
