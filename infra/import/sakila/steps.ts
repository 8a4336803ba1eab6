/**
 * The import's steps, in order: built-in roles, stores, staff (Appwrite users with their legacy
 * SHA-1 hashes, labels and profiles), PINs, customers, products, sales. Each step finds what an
 * earlier run created (deterministic ids, see batches.ts) and creates only the rest, so every
 * step is idempotent and a rerun resumes where a run stopped. What a step imported (created or
 * found) is remembered in {@link Imported} so later steps link only to rows that exist.
 * @module
 */
import { BUILTIN_ROLES, BUILTIN_ROLE_NAMES, builtInRole } from '../../../core/rbac/index.js';
import { AppError } from '../../../core/errors.js';
import { isAppwriteError, toAppError } from '../../appwrite.js';
import type { PinHasher } from '../../pin-hasher.js';
import { generatePin } from '../../seed/demo.js';
import { setPin } from '../../staff/credentials.js';
import { attachStaffProfile, createStaff } from '../../staff/directory.js';
import { checkAborted, MAX_BATCH, withRetry, writeBatch, type BatchContext, type PlannedRow } from './batches.js';
import { mapCustomer, mapProduct, mapSale, mapStaff, mapStore, type Mapped, type StaffPlan } from './mapping.js';
import type { PinEntry, PinFile } from './pins-file.js';
import type { SakilaReader } from './reader.js';
import type { StepCounts, StepName } from './report.js';

/** What the steps so far imported (created by this run or found from an earlier one). */
export interface Imported {
  stores: Set<number>;
  /** Imported staff: staff id → store id. */
  staffStore: Map<number, number>;
  staff: StaffPlan[];
  customers: Set<number>;
}

export interface StepContext extends BatchContext {
  reader: SakilaReader;
  /** Rows per Appwrite bulk write (≤ 100). */
  batchSize: number;
  imported: Imported;
  pins: {
    hasher: PinHasher;
    pepper: string;
    /** bcrypt cost (default: the hasher's). */
    cost?: number | undefined;
    /** Opens the PIN file on the first PIN (so a run without new PINs never touches it). */
    file(): PinFile;
  };
}

const counts = (ctx: StepContext, step: StepName, target: string, source: number): StepCounts => {
  const c = ctx.report.counts(step, target);
  c.source = source;
  return c;
};

const emit = (ctx: StepContext, c: StepCounts, done: number) =>
  ctx.progress({ step: c.step, done, total: c.source, created: c.created, existing: c.existing, rejected: c.rejected });

/**
 * Maps `items`, rejects what does not map, writes the rest in batches of `ctx.batchSize`.
 * @returns the legacy keys whose rows are in Appwrite afterwards.
 */
async function importMapped<S>(
  ctx: StepContext,
  c: StepCounts,
  tableId: string,
  sourceTable: string,
  items: readonly S[],
  key: (s: S) => string,
  map: (s: S) => Mapped<Record<string, unknown>>,
  doneBefore = 0,
): Promise<Set<string>> {
  const imported = new Set<string>();
  const size = Math.min(ctx.batchSize, MAX_BATCH);
  for (let i = 0; i < items.length; i += size) {
    checkAborted(ctx, c.step);
    const planned: PlannedRow[] = [];
    for (const item of items.slice(i, i + size)) {
      const m = map(item);
      if (!m.ok) {
        c.rejected++;
        ctx.report.reject(sourceTable, key(item), m.reason, m.field);
      } else {
        planned.push({ table: sourceTable, legacyId: key(item), rowId: m.rowId, data: m.data, ...(m.permissions ? { permissions: m.permissions } : {}), notes: m.notes });
      }
    }
    const present = await writeBatch(ctx, tableId, planned, c);
    for (const p of planned) if (present.has(p.rowId)) imported.add(p.legacyId);
    emit(ctx, c, doneBefore + Math.min(i + size, items.length));
  }
  return imported;
}

/** The four built-in roles, as the demo seed writes them; only missing ones are created. */
export async function importRoles(ctx: StepContext): Promise<void> {
  const c = counts(ctx, 'roles', 'roles', BUILTIN_ROLE_NAMES.length);
  checkAborted(ctx, 'roles');
  const rows: PlannedRow[] = BUILTIN_ROLE_NAMES.map((name) => ({
    table: 'tillgate',
    legacyId: name,
    rowId: name,
    data: { name, level: builtInRole(name).level, permissions: [...builtInRole(name).declared], builtIn: true, description: BUILTIN_ROLES[name].title ?? name },
    notes: [],
  }));
  await writeBatch(ctx, 'roles', rows, c);
  emit(ctx, c, rows.length);
}

/** Stores. */
export async function importStores(ctx: StepContext): Promise<void> {
  const stores = await ctx.reader.stores();
  const c = counts(ctx, 'stores', 'stores', stores.length);
  const done = await importMapped(ctx, c, 'stores', 'store', stores, (s) => String(s.storeId), (s) => mapStore(s) as Mapped<Record<string, unknown>>);
  for (const s of stores) if (done.has(String(s.storeId))) ctx.imported.stores.add(s.storeId);
}

/** Whether the Appwrite user and the staff profile of `userId` exist. */
async function staffState(ctx: StepContext, userId: string): Promise<{ user: boolean; profile: boolean }> {
  const exists = async (get: () => Promise<unknown>, notFound: string) => {
    try {
      await withRetry(get);
      return true;
    } catch (e) {
      if (isAppwriteError(e, notFound)) return false;
      throw toAppError(e, 'staff member');
    }
  };
  return {
    user: await exists(() => ctx.appwrite.users.get({ userId }), 'user_not_found'),
    profile: await exists(() => ctx.appwrite.tablesDB.getRow({ databaseId: ctx.databaseId, tableId: 'staff', rowId: userId }), 'row_not_found'),
  };
}

/**
 * Staff members: the Appwrite user (legacy SHA-1 hash via `createSHAUser` with
 * `passwordVersion: 'sha1'`, or no password), role and store labels, and the `staff` profile
 * (infra/staff/directory.ts). A user whose profile a stopped run did not write gets it now.
 */
export async function importStaff(ctx: StepContext): Promise<void> {
  const [stores, staff] = [await ctx.reader.stores(), await ctx.reader.staff()];
  const managerOf = new Map<number, number[]>();
  for (const s of stores) managerOf.set(s.managerStaffId, [...(managerOf.get(s.managerStaffId) ?? []), s.storeId]);
  const c = counts(ctx, 'staff', 'users+staff', staff.length);
  let done = 0;
  for (const s of staff) {
    checkAborted(ctx, 'staff');
    const m = mapStaff(s, managerOf, ctx.imported.stores);
    done++;
    if (!m.ok) {
      c.rejected++;
      ctx.report.reject('staff', s.staffId, m.reason, m.field);
      emit(ctx, c, done);
      continue;
    }
    const p = m.data;
    const state = await staffState(ctx, p.userId);
    const member = { email: p.email, name: p.name, role: p.role, storeId: p.storeId, legacyStaffId: p.legacyStaffId, isActive: p.isActive };
    let ok = true;
    if (state.user && state.profile) c.existing++;
    else if (!state.user && state.profile) {
      ok = false;
      c.rejected++;
      ctx.report.reject('staff', s.staffId, `the staff profile ${p.userId} exists but its Appwrite user was deleted: not recreated (delete the profile to import the member again)`);
    } else if (ctx.dryRun) c.created++;
    else {
      try {
        if (state.user) await attachStaffProfile(ctx.appwrite, ctx.databaseId, p.userId, member);
        else await createStaff(ctx.appwrite, ctx.databaseId, { userId: p.userId, ...member, ...(p.sha1 ? { legacyHash: { algorithm: 'sha1' as const, hash: p.sha1 } } : {}) });
        c.created++;
      } catch (e) {
        if (!(e instanceof AppError && (e.code === 'CONFLICT' || e.code === 'VALIDATION_FAILED'))) throw e;
        ok = false;
        c.rejected++;
        const why = e.code === 'CONFLICT' ? `email ${p.email} belongs to another Appwrite user` : e.message;
        ctx.report.reject('staff', s.staffId, `Appwrite refused the staff member: ${why}`);
      }
    }
    if (ok) {
      ctx.imported.staff.push(p);
      ctx.imported.staffStore.set(s.staffId, s.storeId);
      ctx.report.note('staff', s.staffId, p.userId, m.notes);
    }
    emit(ctx, c, done);
  }
}

/** Attempts at a PIN that no one else in the store has, before giving up. */
const PIN_ATTEMPTS = 10;

/**
 * A fresh PIN for every imported staff member without a PIN credential: written to the PIN file
 * first (mode 0600), then set (HMAC index + bcrypt hash; infra/staff/credentials.ts). Members
 * who have a credential (an earlier run, or a PIN set since) keep it.
 */
export async function importPins(ctx: StepContext): Promise<void> {
  const c = counts(ctx, 'pins', 'staff_credentials', ctx.imported.staff.length);
  const taken = new Map<string, Set<string>>();
  let done = 0;
  for (const p of ctx.imported.staff) {
    checkAborted(ctx, 'pins');
    done++;
    const has = await withRetry(() => ctx.appwrite.tablesDB.getRow({ databaseId: ctx.databaseId, tableId: 'staff_credentials', rowId: p.userId })).then(
      () => true,
      (e: unknown) => {
        if (isAppwriteError(e, 'row_not_found')) return false;
        throw toAppError(e, 'PIN credential');
      },
    );
    if (has) c.existing++;
    else if (ctx.dryRun) c.created++;
    else {
      const inStore = taken.get(p.storeId) ?? new Set<string>();
      taken.set(p.storeId, inStore);
      for (let attempt = 1; ; attempt++) {
        const pin = generatePin(inStore);
        inStore.add(pin);
        const entry: PinEntry = { userId: p.userId, legacyStaffId: p.legacyStaffId, name: p.name, email: p.email, storeId: p.storeId, role: p.role, pin, generatedAt: new Date().toISOString() };
        ctx.pins.file().put(entry);
        try {
          await setPin(ctx.appwrite, ctx.databaseId, ctx.pins.hasher, { userId: p.userId, storeId: p.storeId, pin, pepper: ctx.pins.pepper, ...(ctx.pins.cost === undefined ? {} : { cost: ctx.pins.cost }) });
          break;
        } catch (e) {
          if (!(e instanceof AppError && e.code === 'PIN_IN_USE') || attempt >= PIN_ATTEMPTS) throw e;
        }
      }
      c.created++;
    }
    emit(ctx, c, done);
  }
}

/** Customers of imported stores. */
export async function importCustomers(ctx: StepContext): Promise<void> {
  const customers = await ctx.reader.customers();
  const c = counts(ctx, 'customers', 'customers', customers.length);
  const done = await importMapped(ctx, c, 'customers', 'customer', customers, (x) => String(x.customerId), (x) => mapCustomer(x, ctx.imported.stores) as Mapped<Record<string, unknown>>);
  for (const x of customers) if (done.has(String(x.customerId))) ctx.imported.customers.add(x.customerId);
}

/** Per-store products from inventory; films no store holds are rejected (they have no store). */
export async function importProducts(ctx: StepContext): Promise<void> {
  const products = await ctx.reader.products();
  const orphans = await ctx.reader.filmsWithoutInventory();
  const c = counts(ctx, 'products', 'products', products.length + orphans.length);
  for (const f of orphans) {
    c.rejected++;
    ctx.report.reject('film', f.filmId, 'no inventory in any store: a product belongs to a store, so the film has nothing to be imported as', undefined, f.title);
  }
  await importMapped(ctx, c, 'products', 'inventory', products, (p) => `${p.storeId}/${p.filmId}`, (p) => mapProduct(p, ctx.imported.stores) as Mapped<Record<string, unknown>>, orphans.length);
}

/** Payments as sales, read in pages and written in batches. */
export async function importSales(ctx: StepContext): Promise<void> {
  const c = counts(ctx, 'sales', 'sales', await ctx.reader.paymentCount());
  let done = 0;
  for await (const page of ctx.reader.payments(Math.max(ctx.batchSize, 1) * 10)) {
    await importMapped(ctx, c, 'sales', 'payment', page, (p) => String(p.paymentId), (p) => mapSale(p, ctx.imported.staffStore, ctx.imported.customers) as Mapped<Record<string, unknown>>, done);
    done += page.length;
  }
}

/** Every step, in order. */
export const STEPS: readonly ((ctx: StepContext) => Promise<void>)[] = [importRoles, importStores, importStaff, importPins, importCustomers, importProducts, importSales];
