/**
 * The demo store (`npm run seed`, and `npm start` on an empty database): one store, the four
 * built-in roles, one staff member per role with a generated password and PIN, a few products
 * (prices in minor units) and one terminal waiting for enrollment. Idempotent: a second run
 * finds the store and creates nothing. The logins are returned once, to be shown once.
 * @module
 */
import { randomBytes, randomInt } from 'node:crypto';
import { BUILTIN_ROLES, BUILTIN_ROLE_NAMES, builtInRole } from '../../core/rbac/index.js';
import { checkPin } from '../../core/pin/policy.js';
import { isAppwriteError, toAppError, type AppwriteAdmin } from '../appwrite.js';
import type { PinHasher } from '../pin-hasher.js';
import { setPin } from '../staff/credentials.js';
import { createStaff } from '../staff/directory.js';
import { createTerminal } from '../staff/terminals.js';

export const DEMO_STORE_ID = 'store-demo';

export interface DemoLogin {
  role: string;
  name: string;
  email: string;
  password: string;
  pin: string;
  userId: string;
}

export interface DemoSeed {
  created: boolean;
  storeId: string;
  logins?: DemoLogin[];
  terminal?: { terminalId: string; enrollmentCode: string; expiresAt: string };
}

export interface SeedOptions {
  appwrite: AppwriteAdmin;
  databaseId: string;
  hasher: PinHasher;
  pepper: string;
  cost?: number;
  log?: (line: string) => void;
}

const PRODUCTS = [
  { sku: 'COF-ESP', name: 'Espresso', priceMinor: 250 },
  { sku: 'COF-LAT', name: 'Caffè latte', priceMinor: 380 },
  { sku: 'BAK-CRO', name: 'Croissant', priceMinor: 220 },
  { sku: 'BAK-MUF', name: 'Blueberry muffin', priceMinor: 295 },
  { sku: 'DRK-WAT', name: 'Still water 0.5 l', priceMinor: 150 },
];

/** A random PIN that passes the default policy and differs from `taken`. */
export function generatePin(taken: ReadonlySet<string>, length = 6): string {
  for (;;) {
    const pin = Array.from({ length }, () => randomInt(10)).join('');
    if (!taken.has(pin) && checkPin(pin).ok) return pin;
  }
}

/** Seeds the demo store unless it exists. */
export async function seedDemo(o: SeedOptions): Promise<DemoSeed> {
  const log = o.log ?? (() => undefined);
  const { tablesDB } = o.appwrite;
  try {
    await tablesDB.getRow({ databaseId: o.databaseId, tableId: 'stores', rowId: DEMO_STORE_ID });
    return { created: false, storeId: DEMO_STORE_ID };
  } catch (e) {
    if (!isAppwriteError(e, 'row_not_found')) throw toAppError(e, 'store');
  }
  for (const name of BUILTIN_ROLE_NAMES) {
    const role = builtInRole(name);
    await tablesDB.upsertRow({
      databaseId: o.databaseId,
      tableId: 'roles',
      rowId: name,
      data: { name, level: role.level, permissions: [...role.declared], builtIn: true, description: BUILTIN_ROLES[name].title ?? name },
    });
  }
  const logins: DemoLogin[] = [];
  const pins = new Set<string>();
  for (const role of BUILTIN_ROLE_NAMES) {
    const email = `${role}@demo.tillgate.local`;
    const password = `${randomBytes(9).toString('base64url')}!7`;
    const name = `Demo ${role[0]!.toUpperCase()}${role.slice(1)}`;
    const staff = await createStaff(o.appwrite, o.databaseId, { email, password, name, role, storeId: DEMO_STORE_ID });
    const pin = generatePin(pins);
    pins.add(pin);
    await setPin(o.appwrite, o.databaseId, o.hasher, { userId: staff.userId, storeId: DEMO_STORE_ID, pin, pepper: o.pepper, ...(o.cost === undefined ? {} : { cost: o.cost }) });
    logins.push({ role, name, email, password, pin, userId: staff.userId });
    log(`created ${role} ${email}`);
  }
  for (const p of PRODUCTS) {
    await tablesDB.upsertRow({ databaseId: o.databaseId, tableId: 'products', rowId: `demo-${p.sku.toLowerCase()}`, data: { storeId: DEMO_STORE_ID, ...p, currency: 'EUR', stock: 100, isActive: true } });
  }
  const terminal = await createTerminal(o.appwrite, o.databaseId, { storeId: DEMO_STORE_ID, name: 'Till 1' });
  // The store row goes last: its existence marks a complete seed (a crash before it reruns the seed).
  await tablesDB.createRow({ databaseId: o.databaseId, tableId: 'stores', rowId: DEMO_STORE_ID, data: { name: 'Demo Store', code: 'DEMO', currency: 'EUR', timezone: 'UTC', isActive: true } });
  log('created the demo store');
  return { created: true, storeId: DEMO_STORE_ID, logins, terminal };
}
