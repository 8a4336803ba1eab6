/**
 * The Sakila import end to end (issue 9 items 2 and 3) on the real input: the Sakila files loaded
 * into a fresh MariaDB schema, imported into a fresh emulator whose embedded functions mirror every
 * write into a fresh MariaDB database, with the gateway on the same stack. Shows: everything is
 * imported on an empty stack, the mirror agrees exactly with Sakila, Mike Hillyer logs in through
 * the gateway with the password whose SHA-1 the dataset holds, Jon Stephens (no password in
 * Sakila) is imported without one, is reported as needing one and logs in by PIN on a till, the PIN
 * file is 0600, quirks are reported, and a second run creates nothing.
 * Only the `mirror` function runs here (the parity is about the mirror): with all four the run takes
 * ~6 min on 2 cores, nearly all of it the `audit` function recording 18k imported rows, which
 * test/audit/function.test.ts covers on its own.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTerminal } from '../../infra/staff/terminals.js';
import type { SakilaImportResult } from '../../infra/import/sakila/run.js';
import type { ParityResult } from '../../infra/import/sakila/verify.js';
import { loadTestSakila, PEPPER, startImportStack, type ImportStack, type TestSakila } from './support.js';

let sakila: TestSakila;
let stack: ImportStack;
let first: SakilaImportResult;
let parity: ParityResult;
const timings: Record<string, number> = {};

const src = async (sql: string): Promise<RowDataPacket[]> => (await sakila.reader.pool.query<RowDataPacket[]>(sql))[0];
const srcCount = async (sql: string): Promise<number> => Number((await src(sql))[0]!.n);
const step = (r: SakilaImportResult, name: string) => r.report.steps.get(name as never)!;

beforeAll(async () => {
  let t = Date.now();
  sakila = await loadTestSakila();
  timings.loadSakilaMs = Date.now() - t;
  // The mirror function as the embedded stack registers it. audit and rbac-guard are left out:
  // nothing here depends on them, and each adds an emulator execution per imported row, which
  // (with the emulator's per-execution key purge scanning every key) turns minutes into ten.
  stack = await startImportStack({ gateway: true, functions: 'mirror' });
  t = Date.now();
  first = await stack.runImport(sakila);
  timings.importMs = Date.now() - t;
  t = Date.now();
  await stack.emu.emulator.functions.idle();
  timings.functionsDrainMs = Date.now() - t;
  t = Date.now();
  parity = await stack.verify(sakila);
  timings.verifyMs = Date.now() - t;
}, 600_000);

afterAll(async () => {
  process.stdout.write(`sakila import timings: ${JSON.stringify(timings)}\n`);
  await stack?.stop();
  await sakila?.drop();
}, 300_000);

describe('Sakila import on an empty stack', () => {
  it('imports every store, staff member, customer, stocked film and payment', async () => {
    expect(first.interrupted).toBe(false);
    expect(step(first, 'stores')).toMatchObject({ source: await srcCount('SELECT COUNT(*) n FROM store'), existing: 0, rejected: 0 });
    expect(step(first, 'stores').created).toBe(step(first, 'stores').source);
    const staff = await srcCount('SELECT COUNT(*) n FROM staff');
    expect(step(first, 'staff')).toMatchObject({ source: staff, created: staff, existing: 0, rejected: 0 });
    expect(step(first, 'pins')).toMatchObject({ created: staff, existing: 0 });
    const customers = await srcCount('SELECT COUNT(*) n FROM customer');
    expect(step(first, 'customers')).toMatchObject({ source: customers, created: customers, rejected: 0 });
    const products = await srcCount('SELECT COUNT(*) n FROM (SELECT DISTINCT store_id, film_id FROM inventory) x');
    const orphanFilms = await srcCount('SELECT COUNT(*) n FROM film f WHERE NOT EXISTS (SELECT 1 FROM inventory i WHERE i.film_id = f.film_id)');
    expect(orphanFilms).toBeGreaterThan(0);
    expect(step(first, 'products')).toMatchObject({ created: products, rejected: orphanFilms });
    const payments = await srcCount('SELECT COUNT(*) n FROM payment');
    expect(step(first, 'sales')).toMatchObject({ source: payments, created: payments, existing: 0, rejected: 0 });
    expect(stack.rowCount('sales')).toBe(payments);
    expect(stack.rowCount('customers')).toBe(customers);
    expect(stack.rowCount('products')).toBe(products);
    expect(stack.rowCount('roles')).toBe(4);
  });

  it('writes exact money, the staff member and their store on each sale', async () => {
    const [p] = await src('SELECT p.payment_id, p.amount, p.staff_id, p.customer_id, p.payment_date, s.store_id FROM payment p JOIN staff s USING (staff_id) WHERE p.amount > 10 ORDER BY p.payment_id LIMIT 1');
    const sale = await stack.admin.tablesDB.getRow({ databaseId: 'pos', tableId: 'sales', rowId: `sakila-pay-${p!.payment_id}` });
    const [whole, cents] = String(p!.amount).split('.');
    expect(sale).toMatchObject({
      totalMinor: Number(whole) * 100 + Number(cents),
      currency: 'USD',
      staffId: `sakila-staff-${p!.staff_id}`,
      storeId: `sakila-store-${p!.store_id}`,
      customerId: `sakila-cust-${p!.customer_id}`,
      legacyPaymentId: p!.payment_id,
      occurredAt: `${String(p!.payment_date).replace(' ', 'T')}.000+00:00`,
    });
    expect(sale.$permissions).toContain(`read("user:sakila-staff-${p!.staff_id}")`);
  });

  it('the mirror, fed by the mirror function alone, agrees exactly with Sakila per store and per staff member', () => {
    expect(parity.checks.filter((c) => !c.ok)).toEqual([]);
    expect(parity.ok).toBe(true);
    // Every row reached MariaDB through the events: the reconcile sweep had nothing to repair.
    expect(parity.reconcile!.repaired).toBe(0);
    expect(parity.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['stores', 'staff profiles', 'staff users', 'customers', 'products (store, film)', 'payments', 'payments total', 'store 1 total', 'store 2 payments', 'staff 1 total', 'staff 2 payments']));
    const total = parity.checks.find((c) => c.check === 'payments total')!;
    expect(total.sakila).toBeGreaterThan(0);
  });

  it('lets Mike Hillyer log in through POST /api/v1/auth/login with the password whose SHA-1 Sakila holds', async () => {
    const [mike] = await src("SELECT email, password FROM staff WHERE first_name = 'Mike' AND last_name = 'Hillyer'");
    // The dataset's hash is SHA-1 of "12345".
    expect(createHash('sha1').update('12345').digest('hex')).toBe(mike!.password);
    const ok = await stack.request<{ user: { $id?: string; id?: string }; jwt: string; permissions: string[] }>('POST', '/api/v1/auth/login', { body: { email: mike!.email, password: '12345' } });
    expect(ok.status).toBe(200);
    expect(ok.body.user.$id ?? ok.body.user.id).toBe('sakila-staff-1');
    expect(ok.body.permissions).toContain('sales:refund');
    const user = await stack.admin.users.get({ userId: 'sakila-staff-1' });
    expect(user.labels).toContain('manager');
    const wrong = await stack.request('POST', '/api/v1/auth/login', { body: { email: mike!.email, password: '123456' } });
    expect(wrong.status).toBe(401);
  });

  it('imports Jon Stephens without a password, reports that he needs one, and he logs in by PIN on a till', async () => {
    const [jon] = await src("SELECT staff_id, email, password, store_id FROM staff WHERE first_name = 'Jon' AND last_name = 'Stephens'");
    expect(jon!.password).toBeNull();
    const userId = `sakila-staff-${jon!.staff_id}`;
    const user = await stack.admin.users.get({ userId });
    expect(user.passwordUpdate).toBe('');
    expect(user.password ?? '').toBe('');
    const entry = first.report.entries.find((e) => e.rowId === userId && e.field === 'password');
    expect(entry).toMatchObject({ kind: 'adjusted', table: 'staff', legacyId: String(jon!.staff_id) });
    expect(entry!.action).toMatch(/needs a password/);
    const noPassword = await stack.request('POST', '/api/v1/auth/login', { body: { email: jon!.email, password: 'anything-at-all' } });
    expect(noPassword.status).toBe(401);

    const pin = first.pins.find((p) => p.userId === userId)!.pin;
    const storeId = `sakila-store-${jon!.store_id}`;
    const till = await createTerminal(stack.admin, 'pos', { storeId, name: 'Sakila till' });
    const enrolled = await stack.request<{ terminalId: string; secret: string }>('POST', '/api/v1/terminals/enroll', { body: { code: till.enrollmentCode, deviceInfo: 'test till' } });
    expect(enrolled.status).toBe(200);
    const login = await stack.request<{ userId: string; role: { name: string } }>('POST', '/api/v1/auth/pin-login', { headers: { authorization: `Terminal ${enrolled.body.terminalId}:${enrolled.body.secret}` }, body: { pin } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ userId, role: { name: 'manager' } });
  });

  it('writes the new PINs once to a file only its owner can read, and stores no PIN in Appwrite', async () => {
    expect(statSync(stack.pinsFile).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(stack.pinsFile, 'utf8')) as { pins: { userId: string; pin: string }[] };
    expect(file.pins.map((p) => p.userId).sort()).toEqual(['sakila-staff-1', 'sakila-staff-2']);
    for (const p of file.pins) {
      expect(p.pin).toMatch(/^\d{6}$/);
      const cred = await stack.admin.tablesDB.getRow({ databaseId: 'pos', tableId: 'staff_credentials', rowId: p.userId });
      expect(JSON.stringify(cred)).not.toContain(`"${p.pin}"`);
      expect(await stack.hasher.verifyPin(PEPPER, p.pin, (cred as unknown as { pinHash: string }).pinHash)).toBe(true);
    }
  });

  it('reports every quirk: NULL rental ids, zero amounts, films without inventory, staff usernames', async () => {
    const byReason = (table: string, field: string) => first.report.entries.filter((e) => e.table === table && e.field === field).map((e) => e.legacyId);
    const nullRental = (await src('SELECT payment_id FROM payment WHERE rental_id IS NULL ORDER BY payment_id')).map((r) => String(r.payment_id));
    expect(nullRental.length).toBeGreaterThan(0);
    expect(byReason('payment', 'rental_id')).toEqual(nullRental);
    const zero = (await src('SELECT payment_id FROM payment WHERE amount = 0 ORDER BY payment_id')).map((r) => String(r.payment_id));
    expect(byReason('payment', 'amount')).toEqual(zero);
    const orphans = (await src('SELECT film_id FROM film f WHERE NOT EXISTS (SELECT 1 FROM inventory i WHERE i.film_id = f.film_id) ORDER BY film_id')).map((r) => String(r.film_id));
    expect(first.report.entries.filter((e) => e.kind === 'rejected' && e.table === 'film').map((e) => e.legacyId)).toEqual(orphans);
    expect(byReason('staff', 'username').sort()).toEqual(['1', '2']);
  });

  it('creates nothing on a second run: same rows, same users, same PIN file, 0 created in the report', async () => {
    const tables = ['roles', 'stores', 'staff', 'staff_credentials', 'customers', 'products', 'sales'];
    const before = Object.fromEntries(tables.map((t) => [t, stack.rowCount(t)]));
    const users = stack.emu.emulator.state.users.size;
    const pinFile = readFileSync(stack.pinsFile, 'utf8');
    const second = await stack.runImport(sakila);
    expect(second.report.created).toBe(0);
    for (const s of second.report.steps.values()) expect(s.created).toBe(0);
    expect(step(second, 'sales').existing).toBe(step(first, 'sales').created);
    expect(second.pins).toEqual([]);
    expect(Object.fromEntries(tables.map((t) => [t, stack.rowCount(t)]))).toEqual(before);
    expect(stack.emu.emulator.state.users.size).toBe(users);
    expect(readFileSync(stack.pinsFile, 'utf8')).toBe(pinFile);
    // Same findings: the report describes the data, not the run.
    expect(second.report.entries).toEqual(first.report.entries);
  }, 120_000);
});
