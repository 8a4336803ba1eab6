/**
 * The parity check after the Sakila import (issue 9 item 3): Tillgate's MariaDB mirror (`pos_*`,
 * `appwrite_users`, written by the `mirror` function) against the original `sakila` schema:
 * counts of stores, staff (profiles and users), customers and products, and the number and total
 * amount of payments overall, per store and per staff member.
 *
 * Because event deliveries can be late or lost (DESIGN.md: failed event executions are not
 * retried), the check first waits until the mirror stops changing (no new row and no new
 * `mirrored_at` for `quietMs`, at most `waitMs`), then runs the mirror's reconcile
 * (infra/mirror/reconcile.ts) over the imported tables, which repairs whatever the events missed,
 * and only then compares. Both sides use mapping.ts's rules: only rows with the import's ids
 * count on the mirror side, and a payment's store is the store of the staff member who took it.
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import type { Pool } from '../../mariadb.js';
import type { MirrorCatalog } from '../../mirror/catalog.js';
import { reconcile, type ReconcileReport } from '../../mirror/reconcile.js';
import type { MirrorSource } from '../../mirror/source.js';
import { decimalToMinor, minorToDecimal, sakilaIds } from './mapping.js';
import type { PaymentGroup, SakilaReader } from './reader.js';
import { formatTable } from './report.js';

/** Mirror sources the import writes (Appwrite table ids, and `users` for staff users). */
export const IMPORTED_SOURCES = ['users', 'stores', 'staff', 'customers', 'products', 'sales'] as const;

/** One compared figure. Money is in minor units (cents). */
export interface ParityCheck {
  check: string;
  unit: 'rows' | 'USD';
  sakila: number;
  mirror: number;
  ok: boolean;
}

export interface ParityResult {
  ok: boolean;
  checks: ParityCheck[];
  /** The reconcile sweep run before comparing (null when it was skipped). */
  reconcile: ReconcileReport | null;
  /** How long the check waited for the mirror to settle, ms, and whether it did. */
  waitedMs: number;
  settled: boolean;
}

export interface VerifyOptions {
  reader: SakilaReader;
  /** Tillgate's MariaDB (the mirror). */
  pool: Pool;
  catalog: MirrorCatalog;
  /** Appwrite, for the reconcile sweep. */
  source: MirrorSource;
  /** Longest wait for the mirror to settle, ms (default 60,000; 0 = no wait). */
  waitMs?: number;
  /** The mirror counts as settled after this long without a change, ms (default 2,000). */
  quietMs?: number;
  /** Run the reconcile sweep before comparing (default true). */
  reconcile?: boolean;
}

const q = async (pool: Pool, sql: string): Promise<RowDataPacket[]> => (await pool.query<RowDataPacket[]>(sql))[0];

/** A fingerprint of the imported mirror tables that changes whenever the mirror writes. */
async function mirrorSignature(pool: Pool, catalog: MirrorCatalog): Promise<string> {
  const parts: string[] = [];
  for (const s of IMPORTED_SOURCES) {
    const table = catalog.entry(s)?.table.name;
    if (!table) continue;
    const [r] = await q(pool, `SELECT COUNT(*) AS n, MAX(mirrored_at) AS m FROM \`${table}\``);
    parts.push(`${table}:${String(r?.n)}:${String(r?.m instanceof Date ? r.m.getTime() : r?.m)}`);
  }
  return parts.join('|');
}

/** Waits until the mirror has not changed for `quietMs` (or `waitMs` passed). */
async function waitForQuiet(pool: Pool, catalog: MirrorCatalog, waitMs: number, quietMs: number): Promise<{ waitedMs: number; settled: boolean }> {
  const started = Date.now();
  if (waitMs <= 0) return { waitedMs: 0, settled: false };
  const poll = Math.max(100, Math.min(500, quietMs / 4));
  let last = await mirrorSignature(pool, catalog);
  let quietSince = Date.now();
  while (Date.now() - started < waitMs) {
    await new Promise((r) => setTimeout(r, poll));
    const now = await mirrorSignature(pool, catalog);
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return { waitedMs: Date.now() - started, settled: true };
  }
  return { waitedMs: Date.now() - started, settled: false };
}

/** The mirror-side figures, restricted to the import's ids. */
async function mirrorFigures(pool: Pool) {
  const count = async (table: string, prefix: string) => Number((await q(pool, `SELECT COUNT(*) AS n FROM \`${table}\` WHERE deleted_at IS NULL AND id LIKE '${prefix}%'`))[0]?.n ?? 0);
  const sales = "FROM pos_sales WHERE deleted_at IS NULL AND id LIKE 'sakila-pay-%'";
  const [totals] = await q(pool, `SELECT COUNT(*) AS n, COALESCE(SUM(total_minor), 0) AS total ${sales}`);
  const grouped = async (col: string) => new Map((await q(pool, `SELECT ${col} AS k, COUNT(*) AS n, COALESCE(SUM(total_minor), 0) AS total ${sales} GROUP BY ${col}`)).map((r) => [String(r.k), { count: Number(r.n), total: Number(r.total) }]));
  return {
    stores: await count('pos_stores', 'sakila-store-'),
    staff: await count('pos_staff', 'sakila-staff-'),
    users: await count('appwrite_users', 'sakila-staff-'),
    customers: await count('pos_customers', 'sakila-cust-'),
    products: await count('pos_products', 'sakila-prod-'),
    payments: Number(totals?.n ?? 0),
    total: Number(totals?.total ?? 0),
    byStore: await grouped('store_id'),
    byStaff: await grouped('staff_id'),
  };
}

const minor = (text: string): number => {
  const m = decimalToMinor(text);
  if (!m.ok) throw new Error(`Sakila total ${m.reason}`);
  return m.minor;
};

/** Checks for each group on either side (a group only one side has is a difference). */
function groupChecks(label: string, idOf: (n: number) => string, sakila: readonly PaymentGroup[], mirror: ReadonlyMap<string, { count: number; total: number }>): ParityCheck[] {
  const out: ParityCheck[] = [];
  const seen = new Set<string>();
  const add = (name: string, s: { count: number; total: number }, m: { count: number; total: number }) => {
    out.push({ check: `${name} payments`, unit: 'rows', sakila: s.count, mirror: m.count, ok: s.count === m.count });
    out.push({ check: `${name} total`, unit: 'USD', sakila: s.total, mirror: m.total, ok: s.total === m.total });
  };
  for (const g of sakila) {
    const id = idOf(g.id);
    seen.add(id);
    add(`${label} ${g.id}`, { count: g.count, total: minor(g.total) }, mirror.get(id) ?? { count: 0, total: 0 });
  }
  for (const [id, m] of mirror) if (!seen.has(id)) add(`${label} ${id} (not in Sakila)`, { count: 0, total: 0 }, m);
  return out;
}

/**
 * Waits for the mirror, reconciles the imported tables, then compares.
 * @throws the MariaDB or Appwrite error when either cannot be read; Error when a mirror table is
 *   missing (`npm run migrate`).
 */
export async function verifySakilaParity(o: VerifyOptions): Promise<ParityResult> {
  const wait = await waitForQuiet(o.pool, o.catalog, o.waitMs ?? 60_000, o.quietMs ?? 2_000);
  const swept = o.reconcile === false ? null : await reconcile({ pool: o.pool, catalog: o.catalog, source: o.source, sources: IMPORTED_SOURCES });
  const s = await o.reader.parity();
  const m = await mirrorFigures(o.pool);
  const row = (check: string, sakila: number, mirror: number, unit: ParityCheck['unit'] = 'rows'): ParityCheck => ({ check, unit, sakila, mirror, ok: sakila === mirror });
  const checks: ParityCheck[] = [
    row('stores', s.stores, m.stores),
    row('staff profiles', s.staff, m.staff),
    row('staff users', s.staff, m.users),
    row('customers', s.customers, m.customers),
    row('products (store, film)', s.products, m.products),
    row('payments', s.payments, m.payments),
    row('payments total', minor(s.paymentsTotal), m.total, 'USD'),
    ...groupChecks('store', sakilaIds.store, s.byStore, m.byStore),
    ...groupChecks('staff', sakilaIds.staff, s.byStaff, m.byStaff),
  ];
  return { ok: checks.every((c) => c.ok), checks, reconcile: swept, ...wait };
}

/** The comparison as a text table (money as dollars and cents). */
export function formatParity(r: ParityResult): string {
  const show = (c: ParityCheck, v: number) => (c.unit === 'USD' ? `${minorToDecimal(v)} USD` : String(v));
  return formatTable(
    ['check', 'sakila', 'mirror', 'status'],
    r.checks.map((c) => [c.check, show(c, c.sakila), show(c, c.mirror), c.ok ? 'ok' : 'DIFFERENT']),
    new Set([1, 2]),
  );
}

/** The comparison as a JSON document (`status`: `parity` or `different`; money in minor units). */
export function parityJson(r: ParityResult): Record<string, unknown> {
  return { status: r.ok ? 'parity' : 'different', settled: r.settled, waitedMs: r.waitedMs, checks: r.checks, reconcile: r.reconcile };
}
