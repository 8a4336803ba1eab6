import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditAppender } from '../../infra/audit/appender.js';
import type { TestDatabase } from '../support/mariadb.js';
import { CHECKPOINT_KEY, createAuditDatabase, memoryLogger } from './audit-db.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

async function verifyCli(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/audit-verify.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run audit:verify', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createAuditDatabase();
    const appender = createAuditAppender({ pool: db.pool, log: memoryLogger().log, checkpointKey: CHECKPOINT_KEY, checkpointEvery: { entries: 4 } });
    for (let i = 0; i < 10; i++) await appender.append({ action: 'auth.logout', outcome: 'success', reason: 'user', actor: { type: 'user', id: `u${i}` } });
    await appender.close();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('exits 0 on a valid chain and names the last verified checkpoint', async () => {
    const res = await verifyCli({ MARIADB_URL: db.url, AUDIT_CHECKPOINT_KEY: CHECKPOINT_KEY });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/OK: 10 entries, head seq 10, last verified checkpoint seq 8/);
  });

  it('exits 1 and names the first broken link after tampering', async () => {
    await db.pool.query("UPDATE audit_log SET entry = REPLACE(entry, '\"u6\"', '\"u5\"') WHERE seq = 7");
    const res = await verifyCli({ MARIADB_URL: db.url, AUDIT_CHECKPOINT_KEY: CHECKPOINT_KEY });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/BROKEN at seq 7: HASH_MISMATCH/);
    expect(res.stdout).toMatch(/last verified checkpoint seq 4/);
  });

  it('exits 2 when the check cannot run', async () => {
    const res = await verifyCli({ MARIADB_URL: 'mysql://root@127.0.0.1:1/none' });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/could not verify/);
  });
});
