/**
 * The Sakila import when things go wrong: a dry run writes nothing; a run interrupted part-way
 * through the payments (an abort after some batches, as Ctrl+C does) and a staff member left
 * without a profile (a crash between creating the user and writing the profile) are completed by
 * the next run with no duplicates; with no mirror function at all (every event lost) the parity
 * check's reconcile sweep repairs the mirror and the check agrees. The CLI's `--verify` prints the
 * comparison and exits 0, and tells the user to start the stack when Appwrite is not reachable.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SakilaImportResult } from '../../infra/import/sakila/run.js';
import { MARIADB_SERVER_URL } from '../support/mariadb.js';
import { loadTestSakila, PEPPER, SAKILA_DIR, startImportStack, type ImportStack, type TestSakila } from './support.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = join(ROOT, 'scripts/import-sakila.ts');

let sakila: TestSakila;
let stack: ImportStack;
let payments: number;
let interrupted: SakilaImportResult;
let resumed: SakilaImportResult;
let partialSales: number;

const legacyIds = (tableId: string, key: string) => [...stack.emu.emulator.state.databases.get('pos')!.tables.get(tableId)!.rows.values()].map((r) => r.data[key]);

beforeAll(async () => {
  sakila = await loadTestSakila();
  stack = await startImportStack({ functions: 'none' });
  payments = Number((await sakila.reader.pool.query<RowDataPacket[]>('SELECT COUNT(*) n FROM payment'))[0][0]!.n);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await sakila?.drop();
});

describe('Sakila import: dry run, interruption and resume', () => {
  it('plans everything in a dry run and writes nothing (no rows, users or PIN file)', async () => {
    const plan = await stack.runImport(sakila, { dryRun: true });
    expect(plan.report.steps.get('sales')).toMatchObject({ source: payments, created: payments, existing: 0 });
    expect(plan.report.steps.get('pins')!.created).toBe(2);
    expect(stack.rowCount('sales') + stack.rowCount('stores') + stack.rowCount('roles')).toBe(0);
    expect(stack.emu.emulator.state.users.size).toBe(0);
    expect(existsSync(stack.pinsFile)).toBe(false);
  }, 120_000);

  it('stops cleanly between batches when aborted part-way through the payments', async () => {
    const abort = new AbortController();
    interrupted = await stack.runImport(sakila, { signal: abort.signal, onProgress: (p) => p.step === 'sales' && p.done >= 3000 && abort.abort() });
    expect(interrupted).toMatchObject({ interrupted: true, interruptedAt: 'sales' });
    partialSales = stack.rowCount('sales');
    expect(partialSales).toBeGreaterThanOrEqual(3000);
    expect(partialSales).toBeLessThan(payments);
    expect(interrupted.pins).toHaveLength(2);
  }, 120_000);

  it('resumes: the next run creates only what is missing, finishes a half-created staff member, and nothing is duplicated', async () => {
    // As if a run had died between creating Jon's Appwrite user and writing his profile.
    await stack.admin.tablesDB.deleteRow({ databaseId: 'pos', tableId: 'staff', rowId: 'sakila-staff-2' });
    const pinFile = readFileSync(stack.pinsFile, 'utf8');
    resumed = await stack.runImport(sakila);
    expect(resumed.interrupted).toBe(false);
    expect(resumed.report.steps.get('sales')).toMatchObject({ existing: partialSales, created: payments - partialSales, rejected: 0 });
    expect(resumed.report.steps.get('staff')).toMatchObject({ created: 1, existing: 1 });
    expect(resumed.report.steps.get('pins')).toMatchObject({ created: 0, existing: 2 });
    expect(resumed.report.steps.get('customers')!.created).toBe(0);
    const paymentIds = legacyIds('sales', 'legacyPaymentId');
    expect(paymentIds).toHaveLength(payments);
    expect(new Set(paymentIds).size).toBe(payments);
    expect(await stack.admin.tablesDB.getRow({ databaseId: 'pos', tableId: 'staff', rowId: 'sakila-staff-2' })).toMatchObject({ role: 'manager', storeId: 'sakila-store-2', legacyStaffId: 2 });
    expect((await stack.admin.users.get({ userId: 'sakila-staff-2' })).labels).toContain('manager');
    // The PINs handed out by the interrupted run stay valid and the file is not rewritten.
    expect(readFileSync(stack.pinsFile, 'utf8')).toBe(pinFile);
    expect(resumed.pins).toEqual([]);
  }, 120_000);

  it('agrees with Sakila after the reconcile sweep repairs a mirror that received no event at all', async () => {
    const [[before]] = await stack.pool.query<RowDataPacket[]>("SELECT COUNT(*) n FROM pos_sales WHERE id LIKE 'sakila-pay-%'");
    expect(Number(before!.n)).toBe(0);
    const parity = await stack.verify(sakila);
    expect(parity.checks.filter((c) => !c.ok)).toEqual([]);
    expect(parity.reconcile!.repaired).toBeGreaterThanOrEqual(payments);
  }, 180_000);
});

describe('import:sakila command line', () => {
  let cwd: string;
  const env = (port: number) => ({ ...process.env, EMULATOR_PORT: String(port), MARIADB_URL: stack.db.url, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  const args = (...extra: string[]) => [CLI, '--source-url', `${MARIADB_SERVER_URL}/${sakila.schema}`, '--sakila-dir', SAKILA_DIR, ...extra];

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'tg-sakila-cli-'));
    mkdirSync(join(cwd, '.data'));
    writeFileSync(join(cwd, '.data/secrets.json'), JSON.stringify({ EMULATOR_API_KEY: stack.emu.apiKey, PIN_PEPPER: PEPPER, AUDIT_CHECKPOINT_KEY: 'k'.repeat(40) }), { mode: 0o600 });
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('--verify prints the comparison as a table and JSON and exits 0 at parity', async () => {
    const { stdout } = await run(TSX, args('--verify', '--wait-seconds', '0'), { cwd, env: env(stack.emu.port) });
    expect(stdout).toMatch(/payments total\s+\d+\.\d{2} USD\s+\d+\.\d{2} USD\s+ok/);
    const json = JSON.parse(stdout.split('\n').find((l) => l.startsWith('{"status"'))!) as { status: string; checks: unknown[] };
    expect(json.status).toBe('parity');
    expect(json.checks.length).toBeGreaterThan(10);
  }, 120_000);

  it('tells the user to start the stack when Appwrite is not reachable, and exits 2', async () => {
    const failed = await run(TSX, args(), { cwd, env: env(1) }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/not reachable at http:\/\/127\.0\.0\.1:1\/v1: start the embedded stack with `npm start`/);
  }, 60_000);
});
