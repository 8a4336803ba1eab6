/**
 * Reconcile (issue 8 item 4): with event deliveries lost (`drop: 1`), rows missing from the
 * mirror, stale rows and orphaned rows (soft and hard delete tables, users) are found page by
 * page, repaired through the version guard, and reported; `npm run mirror:reconcile` prints the
 * parity table and JSON and exits 1 while a difference remains (`--check`), 0 at parity.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../infra/mirror/backfill.js';
import { rows, silentLog, startMirrorStack, type MirrorStack } from './support.js';

const run = promisify(execFile);
let s: MirrorStack;
beforeAll(async () => {
  s = await startMirrorStack();
});
afterAll(async () => s.stop());

const product = (sku: string) => ({ storeId: 'st1', sku, name: `P ${sku}`, priceMinor: 100, currency: 'EUR' });
const session = { userId: 'u1', terminalId: 't1', storeId: 'st1', startedAt: '2026-11-23T10:00:00.000+00:00' };

const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/mirror-reconcile.ts', ...args], {
    env: { ...process.env, APPWRITE_ENDPOINT: s.emu.endpoint, APPWRITE_API_KEY: s.emu.apiKey, APPWRITE_PROJECT_ID: s.emu.projectId, MARIADB_URL: s.db.url, LOG_LEVEL: 'silent' },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );

describe('mirror reconcile', () => {
  it('finds and repairs missing, stale and orphaned rows, then reports parity', { timeout: 60_000 }, async () => {
    const db = s.emu.tablesDB;
    for (const id of ['a', 'b', 'c']) await db.createRow({ databaseId: 'pos', tableId: 'products', rowId: id, data: product(id) });
    await db.createRow({ databaseId: 'pos', tableId: 'terminal_sessions', rowId: 'ts', data: session });
    await s.emu.users.create({ userId: 'ru', email: 'ru@example.com', name: 'R' });
    await s.emu.emulator.functions.idle();
    // From now on every delivery is lost, as when Appwrite's worker dies.
    s.emu.emulator.events.setDelivery({ drop: 1 });
    await db.updateRow({ databaseId: 'pos', tableId: 'products', rowId: 'a', data: { priceMinor: 999 } }); // stale
    await db.deleteRow({ databaseId: 'pos', tableId: 'products', rowId: 'b' }); // orphan (soft)
    await db.deleteRow({ databaseId: 'pos', tableId: 'terminal_sessions', rowId: 'ts' }); // orphan (hard)
    await db.createRow({ databaseId: 'pos', tableId: 'products', rowId: 'd', data: product('d') }); // missing
    await s.emu.users.updateName({ userId: 'ru', name: 'Renamed' }); // stale user
    await s.emu.emulator.functions.idle();

    const check = await cli('--check');
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^table\s+appwrite\s+mariadb\s+missing\s+stale\s+orphaned\s+repaired\s+still_different/m);
    const checkJson = JSON.parse(check.stdout.trim().split('\n').at(-1)!) as { status: string; differences: number };
    expect(checkJson).toMatchObject({ status: 'different', differences: 5 });

    const report = await s.reconcile(true);
    const line = (src: string) => report.tables.find((t) => t.source === src)!;
    expect(line('products')).toMatchObject({ appwrite: 3, mariadb: 3, missing: 1, stale: 1, orphaned: 1, repaired: 3, stillDifferent: 0 });
    expect(line('terminal_sessions')).toMatchObject({ appwrite: 0, mariadb: 0, orphaned: 1, repaired: 1 });
    expect(line('users')).toMatchObject({ stale: 1, repaired: 1 });
    expect(report.differences).toBe(0);

    const [a] = await rows(s.pool, 'SELECT price_minor FROM pos_products WHERE id = ?', ['a']);
    expect(Number(a!.price_minor)).toBe(999);
    const [b] = await rows(s.pool, 'SELECT deleted_at FROM pos_products WHERE id = ?', ['b']);
    expect(b!.deleted_at).toBeInstanceOf(Date);
    expect(await rows(s.pool, 'SELECT id FROM pos_terminal_sessions')).toEqual([]);
    const [u] = await rows(s.pool, 'SELECT name FROM appwrite_users WHERE id = ?', ['ru']);
    expect(u!.name).toBe('Renamed');

    const after = await cli();
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout.trim().split('\n').at(-1)!)).toMatchObject({ status: 'parity', differences: 0, repaired: 0 });
  });

  it('a backfill over a current mirror changes nothing', async () => {
    const reports = await backfill({ pool: s.pool, catalog: s.catalog, source: s.source, log: silentLog });
    expect(reports.reduce((n, r) => n + r.applied, 0)).toBe(0);
    expect((await s.reconcile(false)).differences).toBe(0);
  });

  it('rejects an unknown table', async () => {
    const r = await cli('--table', 'nope');
    expect(r.code).toBe(2);
  });
});
