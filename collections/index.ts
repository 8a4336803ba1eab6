/**
 * The Appwrite database `pos`: every table, in creation order. The single schema source for
 * `npm run setup`, `appwrite.json`, the emulator and the MariaDB mirror (`core/mirror/schema.ts`).
 * @module
 */
import { stripSecrets as stripSecretsFrom } from '../core/mirror/schema.js';
import type { TableDefinition } from './define.js';
import { approvals } from './approvals.js';
import { auditLogs } from './audit-logs.js';
import { customers } from './customers.js';
import { products } from './products.js';
import { roles } from './roles.js';
import { sales } from './sales.js';
import { staffCredentials } from './staff-credentials.js';
import { staff } from './staff.js';
import { stores } from './stores.js';
import { terminalSessions } from './terminal-sessions.js';
import { terminals } from './terminals.js';

export type {
  ColumnDefinition,
  ColumnType,
  IndexDefinition,
  Permission,
  TableDefinition,
  TableInput,
} from './define.js';
export { defineTable, LABEL } from './define.js';

/** The Appwrite database id holding every table (DESIGN.md). */
export const DATABASE_ID = 'pos';
/** Display name of {@link DATABASE_ID}. */
export const DATABASE_NAME = 'POS';

/** Every table of {@link DATABASE_ID}. */
export const TABLES: readonly TableDefinition[] = Object.freeze([
  stores,
  roles,
  staff,
  staffCredentials,
  terminals,
  terminalSessions,
  approvals,
  auditLogs,
  products,
  customers,
  sales,
]);

export { approvals, auditLogs, customers, products, roles, sales, staff, staffCredentials, stores, terminalSessions, terminals };

/** The table with this `$id`, or undefined. */
export function tableById(id: string): TableDefinition | undefined {
  return TABLES.find((t) => t.$id === id);
}

/**
 * {@link stripSecretsFrom | core's stripSecrets} bound to {@link TABLES}: a copy of an Appwrite
 * row (or, for `tableId` `'users'`, a User payload) without its secret fields.
 */
export function stripSecrets(tableId: string, data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return stripSecretsFrom(tableId, data, TABLES);
}
