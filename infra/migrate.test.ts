import { cpSync, mkdtempSync, appendFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/support/mariadb.js';
import { hasStatements, migrate } from './migrate.js';

const MIGRATIONS = resolve(import.meta.dirname, '..', 'migrations');
const dbs: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((d) => d.drop()));
});
async function freshDb() {
  const db = await createTestDatabase('tg_migrate');
  dbs.push(db);
  return db;
}

describe('migration runner', () => {
  it('applies every migration to an empty database, then nothing on a second run', async () => {
    const db = await freshDb();
    const lines: string[] = [];
    const first = await migrate({ url: db.url, log: (l) => lines.push(l) });
    expect(first.map((m) => m.version)).toEqual(readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort().map((f) => f.slice(0, 14)));
    expect(lines.some((l) => l.startsWith('applied '))).toBe(true);
    const [tables] = await db.pool.query<import('mysql2').RowDataPacket[]>('SHOW TABLES');
    const names = tables.map((r) => String(Object.values(r)[0]));
    expect(names).toEqual(expect.arrayContaining(['schema_migrations', 'pos_sales', 'appwrite_users', 'mirror_dead_letter', 'audit_log']));
    expect(await migrate({ url: db.url })).toEqual([]);
  });

  it('refuses to run when an applied file was edited, naming the file', async () => {
    const db = await freshDb();
    const dir = mkdtempSync(join(tmpdir(), 'tg-migrations-'));
    cpSync(MIGRATIONS, dir, { recursive: true });
    await migrate({ url: db.url, dir });
    const edited = readdirSync(dir).sort()[0]!;
    appendFileSync(join(dir, edited), '\n-- an innocent-looking edit\n');
    await expect(migrate({ url: db.url, dir })).rejects.toThrow(new RegExp(`${edited}.*edited`));
  });

  it('applies each migration once when two runners start together', async () => {
    const db = await freshDb();
    const [a, b] = await Promise.all([migrate({ url: db.url }), migrate({ url: db.url })]);
    expect(a.length + b.length).toBe(readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).length);
    const [rows] = await db.pool.query<import('mysql2').RowDataPacket[]>('SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version HAVING n > 1');
    expect(rows).toEqual([]);
  });

  it('does not record a migration whose SQL fails, and says which file failed', async () => {
    const db = await freshDb();
    const dir = mkdtempSync(join(tmpdir(), 'tg-migrations-'));
    cpSync(MIGRATIONS, dir, { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, '29991231235959_broken.sql'), 'CREATE TABLE broken (id INT PRIMARY KEY);\nTHIS IS NOT SQL;\n');
    await expect(migrate({ url: db.url, dir })).rejects.toThrow(/29991231235959_broken\.sql failed/);
    const [rows] = await db.pool.query<import('mysql2').RowDataPacket[]>("SELECT * FROM schema_migrations WHERE version = '29991231235959'");
    expect(rows).toEqual([]);
  });

  it('rejects a badly named file before touching the database', async () => {
    const db = await freshDb();
    const dir = mkdtempSync(join(tmpdir(), 'tg-migrations-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'add_things.sql'), 'SELECT 1;');
    await expect(migrate({ url: db.url, dir })).rejects.toThrow(/YYYYMMDDHHMMSS/);
  });

  it('accepts mariadb:// URLs and records a comment-only migration without sending SQL', async () => {
    const db = await freshDb();
    const dir = mkdtempSync(join(tmpdir(), 'tg-migrations-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, '20270101000000_placeholder.sql'), '-- nothing yet\n/* still nothing */\n# nor here\n');
    writeFileSync(join(dir, '20270101000001_one_table.sql'), '-- a table\nCREATE TABLE t1 (id INT PRIMARY KEY);\n');
    const applied = await migrate({ url: db.url.replace(/^mysql:/, 'mariadb:'), dir });
    expect(applied.map((m) => m.name)).toEqual(['placeholder', 'one_table']);
    expect(hasStatements('-- x\n  /* y */ ;\n')).toBe(false);
    expect(hasStatements('-- x\nSELECT 1;')).toBe(true);
  });
});
