/**
 * Reading the Sakila schema: the rows each import step needs (already shaped as mapping.ts's
 * source types) and the figures the parity check compares. DATETIMEs are read as text
 * (`dateStrings`) and DECIMALs as exact strings, so nothing passes through a time zone or a
 * float. Payments are read in keyset pages, so memory stays flat however large the source.
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import mysql from 'mysql2/promise';
import { AppError } from '../../../core/errors.js';
import { SCHEMA_NAME } from './loader.js';
import type { SakilaCustomer, SakilaFilmWithoutInventory, SakilaPayment, SakilaProduct, SakilaStaff, SakilaStore } from './mapping.js';

/** Per-group payment figures on the Sakila side (amounts as exact decimal text). */
export interface PaymentGroup {
  /** store_id or staff_id. */
  id: number;
  count: number;
  /** SUM(amount), DECIMAL text. */
  total: string;
}

export interface SakilaParity {
  stores: number;
  staff: number;
  customers: number;
  /** Distinct (store, film) pairs with inventory: the per-store products. */
  products: number;
  payments: number;
  paymentsTotal: string;
  /** Grouped by the store of the staff member who took the payment (mapping.ts's rule). */
  byStore: PaymentGroup[];
  byStaff: PaymentGroup[];
}

export interface SakilaReader {
  readonly schema: string;
  readonly pool: mysql.Pool;
  stores(): Promise<SakilaStore[]>;
  staff(): Promise<SakilaStaff[]>;
  customers(): Promise<SakilaCustomer[]>;
  products(): Promise<SakilaProduct[]>;
  filmsWithoutInventory(): Promise<SakilaFilmWithoutInventory[]>;
  paymentCount(): Promise<number>;
  /** Payments in `payment_id` order, `pageSize` at a time. */
  payments(pageSize?: number): AsyncGenerator<SakilaPayment[]>;
  parity(): Promise<SakilaParity>;
  close(): Promise<void>;
}

const num = (v: unknown): number => Number(v);
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * A reader over `schema` on the server of `serverUrl` (`mysql://user:pass@host:port[/…]`).
 * @throws AppError VALIDATION_FAILED for an invalid schema name.
 */
export function createSakilaReader(serverUrl: string, schema: string): SakilaReader {
  if (!SCHEMA_NAME.test(schema)) throw new AppError('VALIDATION_FAILED', `"${schema}" is not a valid schema name`);
  const u = new URL(serverUrl.replace(/^mariadb:/i, 'mysql:'));
  u.pathname = `/${schema}`;
  const pool = mysql.createPool({ uri: u.toString(), connectionLimit: 2, dateStrings: true, decimalNumbers: false, supportBigNumbers: true, connectTimeout: 5000, charset: 'utf8mb4_unicode_ci' });
  const q = async (sql: string, params: unknown[] = []) => (await pool.query<RowDataPacket[]>(sql, params))[0];
  const groups = (rows: RowDataPacket[]): PaymentGroup[] => rows.map((r) => ({ id: num(r.id), count: num(r.n), total: String(r.total) }));

  return {
    schema,
    pool,
    async stores() {
      const rows = await q(`SELECT s.store_id, s.manager_staff_id, a.address, a.address2, a.district, a.postal_code, c.city, co.country
        FROM store s LEFT JOIN address a ON a.address_id = s.address_id LEFT JOIN city c ON c.city_id = a.city_id LEFT JOIN country co ON co.country_id = c.country_id
        ORDER BY s.store_id`);
      return rows.map((r) => ({ storeId: num(r.store_id), managerStaffId: num(r.manager_staff_id), address: str(r.address), address2: str(r.address2), district: str(r.district), city: str(r.city), country: str(r.country), postalCode: str(r.postal_code) }));
    },
    async staff() {
      const rows = await q('SELECT staff_id, first_name, last_name, email, store_id, active, username, password, LENGTH(picture) AS picture_bytes FROM staff ORDER BY staff_id');
      return rows.map((r) => ({
        staffId: num(r.staff_id),
        firstName: String(r.first_name ?? ''),
        lastName: String(r.last_name ?? ''),
        email: str(r.email),
        storeId: num(r.store_id),
        active: num(r.active) === 1,
        username: str(r.username),
        password: r.password === null ? null : Buffer.isBuffer(r.password) ? r.password.toString('latin1') : String(r.password),
        pictureBytes: r.picture_bytes === null ? null : num(r.picture_bytes),
      }));
    },
    async customers() {
      const rows = await q('SELECT customer_id, store_id, first_name, last_name, email, active FROM customer ORDER BY customer_id');
      return rows.map((r) => ({ customerId: num(r.customer_id), storeId: num(r.store_id), firstName: String(r.first_name ?? ''), lastName: String(r.last_name ?? ''), email: str(r.email), active: num(r.active) === 1 }));
    },
    async products() {
      const rows = await q(`SELECT i.store_id, i.film_id, f.title, f.rental_rate, COUNT(*) AS copies
        FROM inventory i JOIN film f ON f.film_id = i.film_id GROUP BY i.store_id, i.film_id, f.title, f.rental_rate ORDER BY i.store_id, i.film_id`);
      return rows.map((r) => ({ storeId: num(r.store_id), filmId: num(r.film_id), title: String(r.title ?? ''), rentalRate: String(r.rental_rate), copies: num(r.copies) }));
    },
    async filmsWithoutInventory() {
      const rows = await q('SELECT f.film_id, f.title FROM film f WHERE NOT EXISTS (SELECT 1 FROM inventory i WHERE i.film_id = f.film_id) ORDER BY f.film_id');
      return rows.map((r) => ({ filmId: num(r.film_id), title: String(r.title ?? '') }));
    },
    async paymentCount() {
      return num((await q('SELECT COUNT(*) AS n FROM payment'))[0]?.n);
    },
    async *payments(pageSize = 1000) {
      let after = -1;
      for (;;) {
        const rows = await q('SELECT payment_id, customer_id, staff_id, rental_id, amount, payment_date FROM payment WHERE payment_id > ? ORDER BY payment_id LIMIT ?', [after, pageSize]);
        if (rows.length === 0) return;
        after = num(rows.at(-1)!.payment_id);
        yield rows.map((r) => ({ paymentId: num(r.payment_id), customerId: num(r.customer_id), staffId: num(r.staff_id), rentalId: r.rental_id === null ? null : num(r.rental_id), amount: String(r.amount), paymentDate: String(r.payment_date) }));
      }
    },
    async parity() {
      const one = async (sql: string) => num((await q(sql))[0]?.n);
      const [totals] = await q('SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM payment');
      return {
        stores: await one('SELECT COUNT(*) AS n FROM store'),
        staff: await one('SELECT COUNT(*) AS n FROM staff'),
        customers: await one('SELECT COUNT(*) AS n FROM customer'),
        products: await one('SELECT COUNT(*) AS n FROM (SELECT DISTINCT i.store_id, i.film_id FROM inventory i JOIN film f ON f.film_id = i.film_id) x'),
        payments: num(totals?.n),
        paymentsTotal: String(totals?.total ?? '0'),
        // The store of a payment is the store of the staff member who took it (mapping.ts).
        byStore: groups(await q('SELECT s.store_id AS id, COUNT(*) AS n, SUM(p.amount) AS total FROM payment p JOIN staff s ON s.staff_id = p.staff_id GROUP BY s.store_id ORDER BY s.store_id')),
        byStaff: groups(await q('SELECT p.staff_id AS id, COUNT(*) AS n, SUM(p.amount) AS total FROM payment p GROUP BY p.staff_id ORDER BY p.staff_id')),
      };
    },
    close: () => pool.end(),
  };
}
