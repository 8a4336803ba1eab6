/**
 * Planning of `npm run setup` (pure): compares the desired tables of `collections/` with what an
 * Appwrite database holds and lists what to create, what to update (table permissions,
 * rowSecurity, name, enabled) and the drift that is reported but NOT changed (columns, indexes
 * or tables present only in Appwrite, columns whose type, size or format differ). Dropping is
 * planned only with `prune`.
 * @module
 */
import type { ColumnDefinition, IndexDefinition, TableDefinition } from '../../collections/index.js';

/** A column as Appwrite reports it (`columnString`, `columnEmail`, … models). */
export interface LiveColumn {
  key: string;
  type: string;
  format?: string | undefined;
  size?: number | undefined;
  elements?: string[] | undefined;
  required: boolean;
  array?: boolean | undefined;
  status: string;
}

export interface LiveIndex {
  key: string;
  type: string;
  columns: string[];
  status: string;
}

export interface LiveTable {
  $id: string;
  name: string;
  enabled: boolean;
  rowSecurity: boolean;
  $permissions: string[];
  columns: LiveColumn[];
  indexes: LiveIndex[];
}

export interface LiveSchema {
  databaseExists: boolean;
  tables: LiveTable[];
}

export interface TableUpdate {
  tableId: string;
  name?: string;
  enabled?: boolean;
  rowSecurity?: boolean;
  permissions?: string[];
  /** Human-readable list of what changes. */
  changes: string[];
}

export interface DriftItem {
  tableId: string;
  kind: 'extra-table' | 'extra-column' | 'extra-index' | 'column-mismatch' | 'index-mismatch';
  key: string;
  detail: string;
}

export interface SchemaPlan {
  createDatabase: boolean;
  createTables: TableDefinition[];
  createColumns: { tableId: string; column: ColumnDefinition }[];
  createIndexes: { tableId: string; index: IndexDefinition }[];
  updateTables: TableUpdate[];
  drift: DriftItem[];
  /** Only with `prune`: what would be dropped (extra tables, columns, indexes). */
  prune: DriftItem[];
}

/** The Appwrite type and format a definition creates (formats are string subtypes). */
export function liveShapeOf(c: ColumnDefinition): { type: string; format: string | undefined } {
  if (c.type === 'string' && c.format) return { type: 'string', format: c.format };
  if (c.type === 'datetime') return { type: 'datetime', format: 'datetime' };
  return { type: c.type, format: undefined };
}

function columnMismatch(want: ColumnDefinition, have: LiveColumn): string | null {
  const shape = liveShapeOf(want);
  const haveFormat = have.format || undefined;
  const problems: string[] = [];
  if (have.type !== shape.type) problems.push(`type ${have.type} ≠ ${shape.type}`);
  if ((haveFormat ?? '') !== (shape.format ?? '') && !(shape.type === 'datetime')) problems.push(`format ${haveFormat ?? 'none'} ≠ ${shape.format ?? 'none'}`);
  if (want.type === 'string' && !want.format && have.size !== undefined && have.size !== want.size) problems.push(`size ${have.size} ≠ ${want.size}`);
  if (want.required !== have.required) problems.push(`required ${have.required} ≠ ${want.required}`);
  if ((want.array ?? false) !== (have.array ?? false)) problems.push(`array ${have.array ?? false} ≠ ${want.array ?? false}`);
  if (want.type === 'string' && want.format === 'enum' && have.elements && want.elements && have.elements.join('|') !== want.elements.join('|')) {
    problems.push('enum elements differ');
  }
  return problems.length ? problems.join(', ') : null;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** Compares desired and live schema. */
export function planSchema(desired: readonly TableDefinition[], live: LiveSchema, options: { prune?: boolean } = {}): SchemaPlan {
  const plan: SchemaPlan = { createDatabase: !live.databaseExists, createTables: [], createColumns: [], createIndexes: [], updateTables: [], drift: [], prune: [] };
  const liveById = new Map(live.tables.map((t) => [t.$id, t]));
  for (const want of desired) {
    const have = liveById.get(want.$id);
    if (!have) {
      plan.createTables.push(want);
      for (const column of want.columns) plan.createColumns.push({ tableId: want.$id, column });
      for (const index of want.indexes) plan.createIndexes.push({ tableId: want.$id, index });
      continue;
    }
    const update: TableUpdate = { tableId: want.$id, changes: [] };
    if (have.name !== want.name) Object.assign(update, { name: want.name }).changes.push(`name "${have.name}" → "${want.name}"`);
    if (!have.enabled) Object.assign(update, { enabled: true }).changes.push('enabled false → true');
    if (have.rowSecurity !== want.rowSecurity) Object.assign(update, { rowSecurity: want.rowSecurity }).changes.push(`rowSecurity ${have.rowSecurity} → ${want.rowSecurity}`);
    if (!sameSet(have.$permissions, want.permissions)) {
      update.permissions = [...want.permissions];
      update.changes.push(`permissions [${have.$permissions.join(', ')}] → [${want.permissions.join(', ')}]`);
    }
    if (update.changes.length) plan.updateTables.push(update);

    const haveCols = new Map(have.columns.map((c) => [c.key, c]));
    for (const column of want.columns) {
      const hc = haveCols.get(column.key);
      if (!hc) plan.createColumns.push({ tableId: want.$id, column });
      else {
        const why = columnMismatch(column, hc);
        if (why) plan.drift.push({ tableId: want.$id, kind: 'column-mismatch', key: column.key, detail: why });
      }
    }
    const wantCols = new Set(want.columns.map((c) => c.key));
    for (const hc of have.columns) {
      if (!wantCols.has(hc.key)) {
        const item: DriftItem = { tableId: want.$id, kind: 'extra-column', key: hc.key, detail: `column ${hc.key} (${hc.type}) exists only in Appwrite` };
        plan.drift.push(item);
        if (options.prune) plan.prune.push(item);
      }
    }
    const haveIdx = new Map(have.indexes.map((i) => [i.key, i]));
    for (const index of want.indexes) {
      const hi = haveIdx.get(index.key);
      if (!hi) plan.createIndexes.push({ tableId: want.$id, index });
      else if (hi.type !== index.type || hi.columns.join(',') !== index.columns.join(',')) {
        plan.drift.push({ tableId: want.$id, kind: 'index-mismatch', key: index.key, detail: `index ${index.key} is ${hi.type}(${hi.columns.join(', ')}), collections say ${index.type}(${index.columns.join(', ')})` });
      }
    }
    const wantIdx = new Set(want.indexes.map((i) => i.key));
    for (const hi of have.indexes) {
      if (!wantIdx.has(hi.key)) {
        const item: DriftItem = { tableId: want.$id, kind: 'extra-index', key: hi.key, detail: `index ${hi.key} exists only in Appwrite` };
        plan.drift.push(item);
        if (options.prune) plan.prune.push(item);
      }
    }
  }
  const wanted = new Set(desired.map((t) => t.$id));
  for (const t of live.tables) {
    if (!wanted.has(t.$id)) {
      const item: DriftItem = { tableId: t.$id, kind: 'extra-table', key: t.$id, detail: `table ${t.$id} exists only in Appwrite` };
      plan.drift.push(item);
      if (options.prune) plan.prune.push(item);
    }
  }
  return plan;
}

/** True when the plan changes nothing (drift may remain). */
export function isNoop(plan: SchemaPlan): boolean {
  return !plan.createDatabase && !plan.createTables.length && !plan.createColumns.length && !plan.createIndexes.length && !plan.updateTables.length && !plan.prune.length;
}
