/**
 * The demo seed against the emulator through the real SDKs: creates a store, roles, one staff
 * member per role with labels and a PIN credential that holds no plaintext, products and a
 * terminal; the demo cashier logs in with the web SDK; a second run creates nothing. Creating a
 * staff member whose profile write fails leaves no Appwrite user behind.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Account, Client as WebClient } from 'appwrite';
import { Query } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../collections/index.js';
import { createAppwriteAdmin, type AppwriteAdmin } from '../infra/appwrite.js';
import { createPinHasher } from '../infra/pin-hasher.js';
import { checkPin } from '../core/pin/policy.js';
import { generatePin, seedDemo, type DemoSeed } from '../infra/seed/demo.js';
import { announceDemoLogins } from '../scripts/seed-output.js';
import { syncSchema } from '../infra/schema-sync/sync.js';
import { createStaff } from '../infra/staff/directory.js';
import { startTestEmulator, type TestEmulator } from './support/emulator.js';

const PEPPER = 'p'.repeat(40);
let emu: TestEmulator;
let appwrite: AppwriteAdmin;
const hasher = createPinHasher({ threads: 2, cost: 4 });
let first: DemoSeed;

beforeAll(async () => {
  emu = await startTestEmulator();
  appwrite = createAppwriteAdmin({ endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey });
  await syncSchema({ tablesDB: appwrite.tablesDB, databaseId: 'pos', tables: TABLES });
  first = await seedDemo({ appwrite, databaseId: 'pos', hasher, pepper: PEPPER, cost: 4 });
});
afterAll(async () => {
  await hasher.close();
  await emu.stop();
});

describe('demo seed', () => {
  it('creates one staff member per role with labels, a profile and a PIN credential', async () => {
    expect(first.created).toBe(true);
    expect(first.logins!.map((l) => l.role)).toEqual(['superadmin', 'admin', 'manager', 'cashier']);
    for (const login of first.logins!) {
      const user = await appwrite.users.get({ userId: login.userId });
      expect(user.labels).toContain(login.role);
      const profile = await appwrite.tablesDB.getRow({ databaseId: 'pos', tableId: 'staff', rowId: login.userId });
      expect(profile).toMatchObject({ role: login.role, storeId: 'store-demo' });
      const cred = await appwrite.tablesDB.getRow({ databaseId: 'pos', tableId: 'staff_credentials', rowId: login.userId });
      expect(JSON.stringify(cred)).not.toContain(`"${login.pin}"`);
      expect(await hasher.verifyPin(PEPPER, login.pin, (cred as unknown as { pinHash: string }).pinHash)).toBe(true);
    }
    expect(new Set(first.logins!.map((l) => l.pin)).size).toBe(4);
    const products = await appwrite.tablesDB.listRows({ databaseId: 'pos', tableId: 'products', queries: [Query.equal('storeId', 'store-demo')] });
    expect(products.total).toBeGreaterThanOrEqual(3);
    const terminal = await appwrite.tablesDB.getRow({ databaseId: 'pos', tableId: 'terminals', rowId: first.terminal!.terminalId });
    expect(terminal).toMatchObject({ status: 'pending', storeId: 'store-demo' });
    expect(JSON.stringify(terminal)).not.toContain(first.terminal!.enrollmentCode);
  });

  it('lets the demo cashier log in with email and password through the web SDK', async () => {
    const cashier = first.logins!.find((l) => l.role === 'cashier')!;
    const account = new Account(new WebClient().setEndpoint(emu.endpoint).setProject(emu.projectId));
    const session = await account.createEmailPasswordSession({ email: cashier.email, password: cashier.password });
    expect(session.userId).toBe(cashier.userId);
  });

  it('creates nothing on a second run', async () => {
    const before = (await appwrite.users.list()).total;
    const again = await seedDemo({ appwrite, databaseId: 'pos', hasher, pepper: PEPPER, cost: 4 });
    expect(again).toEqual({ created: false, storeId: 'store-demo' });
    expect((await appwrite.users.list()).total).toBe(before);
  });

  it('leaves no Appwrite user behind when the staff profile cannot be written', async () => {
    const cashier = first.logins!.find((l) => l.role === 'cashier')!;
    // A profile row with this id exists already, so the profile write fails after the user was created.
    await appwrite.tablesDB.createRow({ databaseId: 'pos', tableId: 'staff', rowId: 'ghost-user', data: { userId: 'someone-else', storeId: 'store-demo', role: 'cashier', displayName: 'x' } });
    await expect(createStaff(appwrite, 'pos', { userId: 'ghost-user', email: 'ghost@example.com', password: 'long enough password', name: 'Ghost', role: 'cashier', storeId: 'store-demo' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(appwrite.users.get({ userId: 'ghost-user' })).rejects.toMatchObject({ code: 404 });
    expect(cashier.userId).not.toBe('ghost-user');
  });

  it('shows the logins once: printed and written 0600 on the creating run, only "already seeded" after', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tg-seed-')), 'demo-logins.json');
    const shown = announceDemoLogins(first, file).join('\n');
    for (const l of first.logins!) expect(shown).toContain(l.pin);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { logins: { email: string; password: string; pin: string }[] };
    expect(saved.logins.map((l) => l.email)).toEqual(first.logins!.map((l) => l.email));
    const later = announceDemoLogins({ created: false, storeId: 'store-demo' }, file).join('\n');
    expect(later).toContain('already seeded');
    for (const l of first.logins!) expect(later).not.toContain(l.pin);
    expect(readFileSync(file, 'utf8')).toContain(first.logins![0]!.password);
  });

  it('generates PINs that pass the PIN policy and are distinct', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pin = generatePin(taken);
      expect(checkPin(pin).ok, pin).toBe(true);
      expect(taken.has(pin)).toBe(false);
      taken.add(pin);
    }
    for (const l of first.logins!) expect(checkPin(l.pin).ok).toBe(true);
  });
});
