/**
 * `syncSchema`: makes an Appwrite database match `collections/` (used by `npm run setup` and by
 * the embedded stack at start). Reads the live schema, plans (`plan.ts`), applies creations and
 * table updates, waits until every column and index is `available`, and returns a plain report.
 * Never drops anything unless `prune` is set.
 * @module
 */
import { AppwriteException, Query, TablesDBIndexType, type TablesDB } from 'node-appwrite';
import type { ColumnDefinition, IndexDefinition, TableDefinition } from '../../collections/index.js';
import { AppError } from '../../core/errors.js';
import { toAppError } from '../appwrite.js';
import { isNoop, planSchema, type DriftItem, type LiveSchema, type LiveTable, type SchemaPlan } from './plan.js';

export interface SyncOptions {
  tablesDB: TablesDB;
  databaseId: string;
  databaseName?: string;
  tables: readonly TableDefinition[];
  /** Drop tables, columns and indexes that exist only in Appwrite (default false). */
  prune?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Longest wait for columns and indexes to become available, ms (default 120,000). */
  availableTimeoutMs?: number;
}

export interface SyncReport {
  plan: SchemaPlan;
  changed: boolean;
  created: { database: boolean; tables: string[]; columns: string[]; indexes: string[] };
  updated: { tableId: string; changes: string[] }[];
  drift: DriftItem[];
  pruned: DriftItem[];
}

/** Reads the database, its tables, columns and indexes. */
export async function readLiveSchema(tablesDB: TablesDB, databaseId: string): Promise<LiveSchema> {
  try {
    await tablesDB.get({ databaseId });
  } catch (e) {
    if (e instanceof AppwriteException && e.code === 404) return { databaseExists: false, tables: [] };
    throw toAppError(e, 'database');
  }
  const tables: LiveTable[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await tablesDB.listTables({ databaseId, queries: [Query.limit(100), ...(cursor ? [Query.cursorAfter(cursor)] : [])] });
    for (const t of page.tables) {
      tables.push({
        $id: t.$id,
        name: t.name,
        enabled: t.enabled,
        rowSecurity: t.rowSecurity,
        $permissions: t.$permissions,
        columns: (t.columns as unknown as LiveTable['columns']).map((c) => ({ ...c })),
        indexes: (t.indexes as unknown as LiveTable['indexes']).map((i) => ({ key: i.key, type: i.type, columns: i.columns, status: i.status })),
      });
    }
    if (page.tables.length < 100) break;
    cursor = page.tables[page.tables.length - 1]!.$id;
  }
  return { databaseExists: true, tables };
}

async function createColumn(tablesDB: TablesDB, databaseId: string, tableId: string, c: ColumnDefinition): Promise<void> {
  const base = { databaseId, tableId, key: c.key, required: c.required, array: c.array };
  const dflt = <T>(v: T | null | undefined) => (c.required || v === null || v === undefined ? {} : { xdefault: v });
  switch (c.type) {
    case 'string':
      if (c.format === 'email') return void (await tablesDB.createEmailColumn({ ...base, ...dflt(c.default) }));
      if (c.format === 'url') return void (await tablesDB.createUrlColumn({ ...base, ...dflt(c.default) }));
      if (c.format === 'ip') return void (await tablesDB.createIpColumn({ ...base, ...dflt(c.default) }));
      if (c.format === 'enum') return void (await tablesDB.createEnumColumn({ ...base, elements: c.elements ?? [], ...dflt(c.default) }));
      return void (await tablesDB.createStringColumn({ ...base, size: c.size, ...dflt(c.default) }));
    case 'integer':
      return void (await tablesDB.createIntegerColumn({ ...base, ...(c.min === undefined ? {} : { min: c.min }), ...(c.max === undefined ? {} : { max: c.max }), ...dflt(c.default) }));
    case 'double':
      return void (await tablesDB.createFloatColumn({ ...base, ...(c.min === undefined ? {} : { min: c.min }), ...(c.max === undefined ? {} : { max: c.max }), ...dflt(c.default) }));
    case 'boolean':
      return void (await tablesDB.createBooleanColumn({ ...base, ...dflt(c.default) }));
    case 'datetime':
      return void (await tablesDB.createDatetimeColumn({ ...base, ...dflt(c.default) }));
  }
}

async function createIndex(tablesDB: TablesDB, databaseId: string, tableId: string, i: IndexDefinition): Promise<void> {
  const type = i.type === 'unique' ? TablesDBIndexType.Unique : i.type === 'fulltext' ? TablesDBIndexType.Fulltext : TablesDBIndexType.Key;
  await tablesDB.createIndex({ databaseId, tableId, key: i.key, type, columns: i.columns, ...(i.orders ? { orders: i.orders as never } : {}) });
}

async function waitAvailable(tablesDB: TablesDB, databaseId: string, tableIds: Set<string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await readLiveSchema(tablesDB, databaseId);
    const pending: string[] = [];
    for (const t of live.tables.filter((x) => tableIds.has(x.$id))) {
      for (const c of t.columns) {
        if (c.status === 'failed' || c.status === 'stuck') throw new AppError('INTERNAL', `Column ${t.$id}.${c.key} ended ${c.status} in Appwrite.`);
        if (c.status !== 'available') pending.push(`${t.$id}.${c.key}`);
      }
      for (const i of t.indexes) {
        if (i.status === 'failed' || i.status === 'stuck') throw new AppError('INTERNAL', `Index ${t.$id}.${i.key} ended ${i.status} in Appwrite (duplicate data for a unique index?).`);
        if (i.status !== 'available') pending.push(`${t.$id}.${i.key}`);
      }
    }
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new AppError('UPSTREAM_UNAVAILABLE', `Still not available after ${timeoutMs} ms: ${pending.slice(0, 10).join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Syncs the schema. Indexes are created after their table's columns are available (Appwrite
 * refuses an index on a column still processing).
 * @throws AppError UPSTREAM_UNAVAILABLE (Appwrite unreachable or too slow), INTERNAL (a column or index failed).
 */
export async function syncSchema(options: SyncOptions): Promise<SyncReport> {
  const { tablesDB, databaseId } = options;
  const log = options.log ?? (() => undefined);
  const timeout = options.availableTimeoutMs ?? 120_000;
  try {
    const plan = planSchema(options.tables, await readLiveSchema(tablesDB, databaseId), { prune: options.prune ?? false });
    const report: SyncReport = {
      plan,
      changed: !isNoop(plan),
      created: { database: plan.createDatabase, tables: plan.createTables.map((t) => t.$id), columns: plan.createColumns.map((c) => `${c.tableId}.${c.column.key}`), indexes: plan.createIndexes.map((i) => `${i.tableId}.${i.index.key}`) },
      updated: plan.updateTables.map((u) => ({ tableId: u.tableId, changes: u.changes })),
      drift: plan.drift,
      pruned: [],
    };
    if (plan.createDatabase) {
      log(`create database ${databaseId}`);
      await tablesDB.create({ databaseId, name: options.databaseName ?? databaseId });
    }
    for (const t of plan.createTables) {
      log(`create table ${t.$id}`);
      await tablesDB.createTable({ databaseId, tableId: t.$id, name: t.name, permissions: [...t.permissions], rowSecurity: t.rowSecurity, enabled: true });
    }
    for (const u of plan.updateTables) {
      log(`update table ${u.tableId}: ${u.changes.join('; ')}`);
      await tablesDB.updateTable({ databaseId, tableId: u.tableId, ...(u.name ? { name: u.name } : {}), ...(u.permissions ? { permissions: u.permissions } : {}), ...(u.rowSecurity === undefined ? {} : { rowSecurity: u.rowSecurity }), ...(u.enabled === undefined ? {} : { enabled: u.enabled }) });
    }
    for (const { tableId, column } of plan.createColumns) {
      log(`create column ${tableId}.${column.key} (${column.type}${column.type === 'string' && column.format ? `/${column.format}` : ''})`);
      await createColumn(tablesDB, databaseId, tableId, column);
    }
    const touched = new Set([...plan.createColumns.map((c) => c.tableId), ...plan.createIndexes.map((i) => i.tableId)]);
    if (plan.createColumns.length) await waitAvailable(tablesDB, databaseId, touched, timeout);
    for (const { tableId, index } of plan.createIndexes) {
      log(`create index ${tableId}.${index.key} (${index.type} on ${index.columns.join(', ')})`);
      await createIndex(tablesDB, databaseId, tableId, index);
    }
    if (plan.createIndexes.length) await waitAvailable(tablesDB, databaseId, touched, timeout);
    for (const item of plan.prune) {
      log(`prune ${item.kind} ${item.tableId}${item.kind === 'extra-table' ? '' : `.${item.key}`}`);
      if (item.kind === 'extra-table') await tablesDB.deleteTable({ databaseId, tableId: item.tableId });
      else if (item.kind === 'extra-column') await tablesDB.deleteColumn({ databaseId, tableId: item.tableId, key: item.key });
      else if (item.kind === 'extra-index') await tablesDB.deleteIndex({ databaseId, tableId: item.tableId, key: item.key });
      report.pruned.push(item);
    }
    return report;
  } catch (e) {
    throw e instanceof AppError ? e : toAppError(e, 'schema');
  }
}
