/**
 * Backfill (issue 8 item 3): `npm run mirror:backfill` is killed (SIGKILL) half-way through a
 * table; the next run resumes from its checkpoint, reads only what was left, and writes no
 * duplicates: MariaDB ends with exactly Appwrite's rows, each in the change log once, with the
 * real `$updatedAt`, and a reconcile that only checks finds parity.
 */
import { spawn } from 'node:child_process';
import { ID } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../infra/mirror/backfill.js';
import { rows, silentLog, startMirrorStack, type MirrorStack } from './support.js';

const PRODUCTS = 600;
let s: MirrorStack;
beforeAll(async () => {
  s = await startMirrorStack({ register: false });
  for (let i = 0; i < PRODUCTS; i += 100) {
    const batch = Array.from({ length: 100 }, (_, j) => ({ $id: ID.unique(), storeId: 'st1', sku: `sku-${i + j}`, name: `Product ${i + j}`, priceMinor: i + j, currency: 'EUR' }));
    await s.emu.tablesDB.createRows({ databaseId: 'pos', tableId: 'products', rows: batch });
  }
  for (let i = 0; i < 20; i++) await s.emu.users.create({ userId: ID.unique(), email: `b${i}@example.com`, name: `B ${i}` });
}, 60_000);
afterAll(async () => s.stop());

const checkpoint = async (name: string) => {
  const [r] = await rows(s.pool, 'SELECT `cursor`, details FROM mirror_checkpoints WHERE name = ?', [name]);
  return r ? { cursor: r.cursor as string, details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as { written: number; done: boolean } } : undefined;
};

describe('mirror backfill', () => {
  it('killed half-way, resumes from its checkpoint and writes no duplicates', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/mirror-backfill.ts', '--page-size', '50', '--throttle-ms', '40'], {
      env: { ...process.env, APPWRITE_ENDPOINT: s.emu.endpoint, APPWRITE_API_KEY: s.emu.apiKey, APPWRITE_PROJECT_ID: s.emu.projectId, MARIADB_URL: s.db.url, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const deadline = Date.now() + 30_000;
    let killed = false;
    while (Date.now() < deadline && child.exitCode === null) {
      const cp = await checkpoint('backfill:products');
      if (cp && cp.details.written >= PRODUCTS / 2) {
        child.kill('SIGKILL');
        killed = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await exited;
    expect(stderr).toBe('');
    expect(killed).toBe(true);

    const before = (await checkpoint('backfill:products'))!;
    expect(before.details.done).toBe(false);
    const [partial] = await rows(s.pool, 'SELECT COUNT(*) AS n FROM pos_products');
    // The checkpoint is committed with its page: what it says was written is exactly what is there.
    expect(Number(partial!.n)).toBe(before.details.written);
    expect(before.details.written).toBeLessThan(PRODUCTS);

    const reports = await backfill({ pool: s.pool, catalog: s.catalog, source: s.source, pageSize: 50, log: silentLog });
    const products = reports.find((r) => r.source === 'products')!;
    expect(products.resumed).toBe(true);
    expect(products.rows).toBe(PRODUCTS - before.details.written);
    expect(reports.find((r) => r.source === 'users')!.rows).toBe(20);

    const [count] = await rows(s.pool, 'SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM pos_products');
    expect([Number(count!.n), Number(count!.d)]).toEqual([PRODUCTS, PRODUCTS]);
    const [log] = await rows(s.pool, "SELECT COUNT(*) AS n FROM mirror_change_log WHERE table_name = 'pos_products'");
    expect(Number(log!.n)).toBe(PRODUCTS);
    expect((await checkpoint('backfill:products'))!.details.done).toBe(true);

    // Rows carry Appwrite's own $updatedAt.
    const sample = (await s.source.page('products', null, 1))[0]!;
    const [m] = await rows(s.pool, 'SELECT updated_at FROM pos_products WHERE id = ?', [sample.$id]);
    expect((m!.updated_at as Date).getTime()).toBe(Date.parse(String(sample.$updatedAt)));

    const check = await s.reconcile(false);
    expect(check.differences).toBe(0);
    expect(check.tables.find((t) => t.source === 'products')).toMatchObject({ appwrite: PRODUCTS, mariadb: PRODUCTS });
  });

  it('a later run starts over and changes nothing (idempotent)', async () => {
    const reports = await backfill({ pool: s.pool, catalog: s.catalog, source: s.source, pageSize: 200, log: silentLog });
    expect(reports.find((r) => r.source === 'products')).toMatchObject({ resumed: false, rows: PRODUCTS, applied: 0 });
  });
});
