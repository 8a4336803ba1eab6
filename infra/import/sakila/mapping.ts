/**
 * How Sakila rows become Tillgate rows: deterministic row ids, exact money conversion, the
 * attribution rules, and what is rejected, adjusted or noted (and why). Pure: no I/O, so every
 * rule is testable on its own.
 *
 * Rules (issue 9 items 2 and 3; datasets/sakila/README.md):
 * - ids: `sakila-store-<store_id>`, `sakila-staff-<staff_id>` (Appwrite user id = staff row id),
 *   `sakila-cust-<customer_id>`, `sakila-prod-<store_id>-<film_id>`, `sakila-pay-<payment_id>`:
 *   a rerun finds what an earlier run created, so the import is idempotent and resumable;
 * - money: Sakila amounts are DECIMAL(p,2) US dollars; minor units = the decimal string read
 *   exactly (never through floating point); currency `USD`;
 * - times: Sakila DATETIMEs carry no zone; they are read as UTC and written as Appwrite datetimes
 *   (`YYYY-MM-DDTHH:mm:ss.sss+00:00`);
 * - roles: the staff member a store names as `manager_staff_id` becomes `manager`, everyone else
 *   `cashier`, scoped to the staff member's own `store_id`;
 * - products: one product per (store, film) that the store holds inventory of; `stock` = its
 *   copies; films without any inventory have no store and are rejected;
 * - sales: one per payment; the sale's store is the store of the staff member who took the
 *   payment (`payment.staff_id → staff.store_id`: the till the money went into). The parity check
 *   (verify.ts) uses the same rule on the Sakila side.
 * @module
 */

/** Currency of every Sakila amount (the sample's stores are priced in US dollars). */
export const SAKILA_CURRENCY = 'USD';
/** Prefix of every row and user id the import writes. */
export const SAKILA_ID_PREFIX = 'sakila-';

/** Deterministic Appwrite ids of imported rows (at most 36 characters, Appwrite's id rule). */
export const sakilaIds = {
  store: (storeId: number) => `sakila-store-${storeId}`,
  staff: (staffId: number) => `sakila-staff-${staffId}`,
  customer: (customerId: number) => `sakila-cust-${customerId}`,
  product: (storeId: number, filmId: number) => `sakila-prod-${storeId}-${filmId}`,
  sale: (paymentId: number) => `sakila-pay-${paymentId}`,
} as const;

/** What happened to a source row, for the import report. */
export type NoteKind = 'rejected' | 'adjusted' | 'noted';

/** A remark about one imported row (adjusted: imported with a change; noted: imported as is). */
export interface RowNote {
  kind: 'adjusted' | 'noted';
  /** Source column concerned, when one is. */
  field?: string;
  reason: string;
  /** What someone has to do about it, when anything. */
  action?: string;
}

/** A mapped row ready for Appwrite, or the reason it cannot be imported. */
export type Mapped<T> =
  | { ok: true; rowId: string; data: T; permissions?: string[]; notes: RowNote[] }
  | { ok: false; reason: string; field?: string };

/**
 * An exact decimal string (`"2.99"`, `"-1.5"`, `"10"`) in minor units for `scale` decimals.
 * @returns the integer, or an error message when the text is not a decimal, has more non-zero
 *   decimals than `scale`, or does not fit a safe integer.
 */
export function decimalToMinor(text: string, scale = 2): { ok: true; minor: number } | { ok: false; reason: string } {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return { ok: false, reason: `"${text}" is not a decimal number` };
  const [, sign, whole, frac = ''] = m;
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) return { ok: false, reason: `"${text}" has more than ${scale} decimals` };
  const digits = `${whole}${frac.slice(0, scale).padEnd(scale, '0')}`.replace(/^0+(?=\d)/, '');
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) return { ok: false, reason: `"${text}" is too large` };
  return { ok: true, minor: sign && value !== 0 ? -value : value };
}

/** Minor units as a decimal string with `scale` decimals (`-150` → `"-1.50"`), for reports. */
export function minorToDecimal(minor: number, scale = 2): string {
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(scale + 1, '0');
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * A MariaDB DATETIME text (`2005-05-24 22:53:30`, read with `dateStrings`) as an Appwrite UTC
 * datetime (`2005-05-24T22:53:30.000+00:00`).
 * @returns null for the zero date, a malformed value or an impossible date.
 */
export function sakilaDateTime(text: string | null): string | null {
  if (text === null) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, f = ''] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(f.padEnd(3, '0').slice(0, 3)));
  const back = new Date(ms);
  if (Number.isNaN(ms) || back.getUTCFullYear() !== Number(y) || back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(y) < 1) return null;
  return back.toISOString().replace('Z', '+00:00');
}

/** Appwrite's email rule (the emulator's copy of `Utopia\Emails\Validator\Email`), at most 254 characters. */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export const isValidEmail = (v: string): boolean => v.length <= 254 && EMAIL.test(v);

const trimmed = (v: string | null): string => (v ?? '').trim();

// ---------------------------------------------------------------------------------------------
// Source rows (as reader.ts returns them)

export interface SakilaStore {
  storeId: number;
  managerStaffId: number;
  address: string | null;
  address2: string | null;
  district: string | null;
  city: string | null;
  country: string | null;
  postalCode: string | null;
}

export interface SakilaStaff {
  staffId: number;
  firstName: string;
  lastName: string;
  email: string | null;
  storeId: number;
  active: boolean;
  username: string | null;
  /** `staff.password`: 40 hex characters of SHA-1, or null. */
  password: string | null;
  /** Size of `staff.picture`, bytes, or null when there is none. */
  pictureBytes: number | null;
}

export interface SakilaCustomer {
  customerId: number;
  storeId: number;
  firstName: string;
  lastName: string;
  email: string | null;
  active: boolean;
}

/** One (store, film) pair with inventory: a per-store product. */
export interface SakilaProduct {
  storeId: number;
  filmId: number;
  title: string;
  /** `film.rental_rate`, DECIMAL(4,2) text. */
  rentalRate: string;
  /** Inventory copies the store holds. */
  copies: number;
}

/** A film no store holds inventory of. */
export interface SakilaFilmWithoutInventory {
  filmId: number;
  title: string;
}

export interface SakilaPayment {
  paymentId: number;
  customerId: number;
  staffId: number;
  rentalId: number | null;
  /** DECIMAL(5,2) text. */
  amount: string;
  /** DATETIME text. */
  paymentDate: string;
}

// ---------------------------------------------------------------------------------------------
// Mapping

export interface StoreData {
  name: string;
  code: string;
  timezone: string;
  currency: string;
  address?: string;
  isActive: boolean;
  legacyStoreId: number;
}

/** A store: named after its city, coded `SAKILA-<id>`, USD, UTC (Sakila stores no zone). */
export function mapStore(s: SakilaStore): Mapped<StoreData> {
  const parts = [s.address, s.address2, s.district, s.city, s.postalCode, s.country].map(trimmed).filter((p) => p !== '');
  const address = parts.join(', ').slice(0, 512);
  const city = trimmed(s.city);
  return {
    ok: true,
    rowId: sakilaIds.store(s.storeId),
    data: {
      name: city ? `Sakila ${city}` : `Sakila store ${s.storeId}`,
      code: `SAKILA-${s.storeId}`,
      timezone: 'UTC',
      currency: SAKILA_CURRENCY,
      ...(address ? { address } : {}),
      isActive: true,
      legacyStoreId: s.storeId,
    },
    notes: [],
  };
}

/** A staff member as `infra/staff/directory.ts` creates one, plus how their password comes over. */
export interface StaffPlan {
  userId: string;
  email: string;
  name: string;
  role: 'manager' | 'cashier';
  storeId: string;
  legacyStaffId: number;
  isActive: boolean;
  /** The SHA-1 hash to import with `users.createSHAUser`, or null: the user gets no password. */
  sha1: string | null;
}

/**
 * A staff member. Role: `manager` when a store names them as its manager, else `cashier`.
 * @param managerOf store ids each staff id manages (`store.manager_staff_id`).
 * @param storeIds store ids that were imported (a staff member of another store is rejected).
 */
export function mapStaff(s: SakilaStaff, managerOf: ReadonlyMap<number, readonly number[]>, storeIds: ReadonlySet<number>): Mapped<StaffPlan> {
  const email = trimmed(s.email);
  if (!isValidEmail(email)) return { ok: false, field: 'email', reason: email ? `email "${email}" is not an address Appwrite accepts` : 'no email: Appwrite needs one for every user' };
  if (!storeIds.has(s.storeId)) return { ok: false, field: 'store_id', reason: `store ${s.storeId} was not imported` };
  const notes: RowNote[] = [];
  const managed = managerOf.get(s.staffId) ?? [];
  const role = managed.length > 0 ? 'manager' : 'cashier';
  const elsewhere = managed.filter((id) => id !== s.storeId);
  if (elsewhere.length > 0) {
    notes.push({ kind: 'adjusted', field: 'store_id', reason: `manages store ${elsewhere.join(', ')} but works at store ${s.storeId}: Manager of store ${s.storeId} only` });
  }
  const password = trimmed(s.password);
  let sha1: string | null = null;
  if (/^[0-9a-fA-F]{40}$/.test(password)) {
    sha1 = password.toLowerCase();
    notes.push({ kind: 'noted', field: 'password', reason: 'legacy SHA-1 hash imported as is (users.createSHAUser, sha1): logs in with the old password; Appwrite re-hashes it at the first login' });
  } else {
    notes.push({
      kind: 'adjusted',
      field: 'password',
      reason: password ? 'password is not a SHA-1 hash: imported without a password' : 'no password in Sakila: imported without one (users.create)',
      action: `needs a password before email login: PUT /api/v1/users/${sakilaIds.staff(s.staffId)}/password (the PIN works meanwhile)`,
    });
  }
  if (trimmed(s.username)) notes.push({ kind: 'adjusted', field: 'username', reason: `username "${trimmed(s.username)}" is not carried over: Appwrite logs in by email (${email})` });
  if (s.pictureBytes) notes.push({ kind: 'noted', field: 'picture', reason: `staff picture (${s.pictureBytes} bytes) is not imported: Tillgate keeps no staff pictures` });
  if (!s.active) notes.push({ kind: 'adjusted', field: 'active', reason: 'inactive in Sakila: imported blocked (the Appwrite user cannot log in)' });
  const name = `${trimmed(s.firstName)} ${trimmed(s.lastName)}`.trim().slice(0, 128) || `Staff ${s.staffId}`;
  return {
    ok: true,
    rowId: sakilaIds.staff(s.staffId),
    data: { userId: sakilaIds.staff(s.staffId), email, name, role, storeId: sakilaIds.store(s.storeId), legacyStaffId: s.staffId, isActive: s.active, sha1 },
    notes,
  };
}

export interface CustomerData {
  storeId: string;
  firstName: string;
  lastName: string;
  email?: string;
  isActive: boolean;
  legacyCustomerId: number;
}

/** A customer of their store; an email Appwrite would refuse is left out (adjusted). */
export function mapCustomer(c: SakilaCustomer, storeIds: ReadonlySet<number>): Mapped<CustomerData> {
  if (!storeIds.has(c.storeId)) return { ok: false, field: 'store_id', reason: `store ${c.storeId} was not imported` };
  const firstName = trimmed(c.firstName).slice(0, 64);
  const lastName = trimmed(c.lastName).slice(0, 64);
  if (!firstName || !lastName) return { ok: false, field: firstName ? 'last_name' : 'first_name', reason: 'a customer needs a first and a last name' };
  const notes: RowNote[] = [];
  const email = trimmed(c.email);
  const keepEmail = email !== '' && isValidEmail(email);
  if (email !== '' && !keepEmail) notes.push({ kind: 'adjusted', field: 'email', reason: `email "${email}" is not a valid address: left out` });
  return {
    ok: true,
    rowId: sakilaIds.customer(c.customerId),
    data: { storeId: sakilaIds.store(c.storeId), firstName, lastName, ...(keepEmail ? { email } : {}), isActive: c.active, legacyCustomerId: c.customerId },
    notes,
  };
}

export interface ProductData {
  storeId: string;
  sku: string;
  name: string;
  priceMinor: number;
  currency: string;
  stock: number;
  isActive: boolean;
  legacyFilmId: number;
}

/** A film a store stocks: price = rental rate in cents, stock = copies, SKU `FILM-<film_id>`. */
export function mapProduct(p: SakilaProduct, storeIds: ReadonlySet<number>): Mapped<ProductData> {
  if (!storeIds.has(p.storeId)) return { ok: false, field: 'store_id', reason: `store ${p.storeId} was not imported` };
  const price = decimalToMinor(p.rentalRate);
  if (!price.ok) return { ok: false, field: 'rental_rate', reason: price.reason };
  if (price.minor < 0) return { ok: false, field: 'rental_rate', reason: `negative rental rate ${p.rentalRate}` };
  const name = trimmed(p.title).slice(0, 255);
  if (!name) return { ok: false, field: 'title', reason: 'a product needs a name' };
  return {
    ok: true,
    rowId: sakilaIds.product(p.storeId, p.filmId),
    data: { storeId: sakilaIds.store(p.storeId), sku: `FILM-${p.filmId}`, name, priceMinor: price.minor, currency: SAKILA_CURRENCY, stock: p.copies, isActive: true, legacyFilmId: p.filmId },
    notes: [],
  };
}

export interface SaleData {
  storeId: string;
  staffId: string;
  customerId?: string;
  totalMinor: number;
  currency: string;
  status: 'completed';
  occurredAt: string;
  legacyPaymentId: number;
}

/**
 * A payment as a completed sale attributed to the staff member who took it, in that staff
 * member's store; readable by that staff member (`read("user:<id>")`, row security of `sales`).
 * @param staffStore store id of each imported staff id.
 * @param customerIds customer ids that were imported (a sale of an unknown customer keeps no link).
 */
export function mapSale(p: SakilaPayment, staffStore: ReadonlyMap<number, number>, customerIds: ReadonlySet<number>): Mapped<SaleData> {
  const storeId = staffStore.get(p.staffId);
  if (storeId === undefined) return { ok: false, field: 'staff_id', reason: `staff member ${p.staffId} was not imported` };
  const total = decimalToMinor(p.amount);
  if (!total.ok) return { ok: false, field: 'amount', reason: total.reason };
  const occurredAt = sakilaDateTime(p.paymentDate);
  if (occurredAt === null) return { ok: false, field: 'payment_date', reason: `payment date "${p.paymentDate}" is not a valid date and time` };
  const notes: RowNote[] = [];
  if (p.rentalId === null) notes.push({ kind: 'noted', field: 'rental_id', reason: 'no rental in Sakila (rental_id is NULL): imported as a sale without one' });
  if (total.minor === 0) notes.push({ kind: 'noted', field: 'amount', reason: 'amount is 0.00: imported as a zero sale' });
  const knownCustomer = customerIds.has(p.customerId);
  if (!knownCustomer) notes.push({ kind: 'adjusted', field: 'customer_id', reason: `customer ${p.customerId} was not imported: the sale keeps no customer` });
  const staffUser = sakilaIds.staff(p.staffId);
  return {
    ok: true,
    rowId: sakilaIds.sale(p.paymentId),
    data: {
      storeId: sakilaIds.store(storeId),
      staffId: staffUser,
      ...(knownCustomer ? { customerId: sakilaIds.customer(p.customerId) } : {}),
      totalMinor: total.minor,
      currency: SAKILA_CURRENCY,
      status: 'completed',
      occurredAt,
      legacyPaymentId: p.paymentId,
    },
    permissions: [`read("user:${staffUser}")`],
    notes,
  };
}

/**
 * Sakila columns the import does not carry over, and why (schema-level, so not repeated per row;
 * written into the report).
 */
export const NOT_CARRIED: Readonly<Record<string, readonly string[]>> = Object.freeze({
  store: ['address_id (the address is folded into stores.address)', 'last_update'],
  staff: ['address_id (Tillgate keeps no staff addresses)', 'picture (reported per row)', 'username (reported per row)', 'last_update'],
  customer: ['address_id (Tillgate keeps no customer addresses)', 'create_date', 'last_update'],
  film: ['description, release_year, language, rental_duration, length, replacement_cost, rating, special_features (not POS data)'],
  inventory: ['inventory_id (copies are counted into products.stock)'],
  payment: ['rental_id (sales keep no rental; NULL ones are reported per row)', 'last_update'],
  other: ['actor, category, film_actor, film_category, film_text, language, rental, address, city, country: not POS data'],
});
