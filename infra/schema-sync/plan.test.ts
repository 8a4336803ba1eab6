/**
 * Schema planning (pure): what `npm run setup` would create, update, report as drift and prune,
 * computed from `collections/` and a hand-built picture of a live Appwrite database.
 */
import { describe, expect, it } from 'vitest';
import { TABLES, products, type TableDefinition } from '../../collections/index.js';
import { isNoop, liveShapeOf, planSchema, type LiveSchema, type LiveTable } from './plan.js';
import { renderPlan } from './report.js';

/** The live picture of a table exactly as collections/ defines it. */
function liveOf(t: TableDefinition): LiveTable {
  return {
    $id: t.$id,
    name: t.name,
    enabled: true,
    rowSecurity: t.rowSecurity,
    $permissions: [...t.permissions].reverse(),
    columns: t.columns.map((c) => {
      const shape = liveShapeOf(c);
      return {
        key: c.key,
        type: shape.type,
        format: shape.format,
        size: c.type === 'string' ? c.size : undefined,
        elements: c.type === 'string' && c.format === 'enum' ? c.elements : undefined,
        required: c.required,
        array: c.array ?? false,
        status: 'available',
      };
    }),
    indexes: t.indexes.map((i) => ({ key: i.key, type: i.type, columns: [...i.columns], status: 'available' })),
  };
}

const inSync = (): LiveSchema => ({ databaseExists: true, tables: TABLES.map(liveOf) });

describe('planSchema', () => {
  it('plans the whole schema for an empty Appwrite', () => {
    const plan = planSchema(TABLES, { databaseExists: false, tables: [] });
    expect(plan.createDatabase).toBe(true);
    expect(plan.createTables.map((t) => t.$id)).toEqual(TABLES.map((t) => t.$id));
    expect(plan.createColumns).toHaveLength(TABLES.reduce((n, t) => n + t.columns.length, 0));
    expect(plan.createIndexes).toHaveLength(TABLES.reduce((n, t) => n + t.indexes.length, 0));
    expect(isNoop(plan)).toBe(false);
  });

  it('is a no-op when Appwrite matches (permission order does not matter)', () => {
    const plan = planSchema(TABLES, inSync());
    expect(isNoop(plan)).toBe(true);
    expect(plan.drift).toEqual([]);
    expect(renderPlan(plan, false)).toEqual(['Plan:', '  no changes']);
  });

  it('plans a table update for changed permissions, rowSecurity and name, and a missing column', () => {
    const live = inSync();
    const p = live.tables.find((t) => t.$id === 'products')!;
    p.$permissions = ['read("any")'];
    p.rowSecurity = !products.rowSecurity;
    p.name = 'Old name';
    p.columns = p.columns.filter((c) => c.key !== 'stock');
    const plan = planSchema(TABLES, live);
    expect(plan.updateTables).toEqual([
      expect.objectContaining({ tableId: 'products', name: 'Products', rowSecurity: products.rowSecurity, permissions: [...products.permissions] }),
    ]);
    expect(plan.createColumns.map((c) => `${c.tableId}.${c.column.key}`)).toEqual(['products.stock']);
    expect(renderPlan(plan, false).join('\n')).toContain('+ column products.stock');
  });

  it('reports type, size and index mismatches as drift and never plans to change them', () => {
    const live = inSync();
    const p = live.tables.find((t) => t.$id === 'products')!;
    p.columns = p.columns.map((c) => (c.key === 'sku' ? { ...c, size: 32 } : c.key === 'stock' ? { ...c, type: 'double' } : c));
    p.indexes = p.indexes.map((i) => (i.key === 'name' ? { ...i, type: 'fulltext' } : i));
    const plan = planSchema(TABLES, live, { prune: true });
    expect(isNoop(plan)).toBe(true);
    expect(plan.drift.map((d) => `${d.kind}:${d.key}`).sort()).toEqual(['column-mismatch:sku', 'column-mismatch:stock', 'index-mismatch:name']);
    expect(plan.drift.find((d) => d.key === 'sku')!.detail).toContain('size 32 ≠ 64');
    expect(plan.prune).toEqual([]);
  });

  it('reports extra tables, columns and indexes, and plans to drop them only with prune', () => {
    const live = inSync();
    const c = live.tables.find((t) => t.$id === 'customers')!;
    c.columns.push({ key: 'nickname', type: 'string', size: 64, required: false, status: 'available' });
    c.indexes.push({ key: 'by_nickname', type: 'key', columns: ['nickname'], status: 'available' });
    live.tables.push({ ...liveOf(products), $id: 'scratch', name: 'Scratch' });
    const keep = planSchema(TABLES, live);
    expect(keep.drift.map((d) => `${d.kind}:${d.key}`).sort()).toEqual(['extra-column:nickname', 'extra-index:by_nickname', 'extra-table:scratch']);
    expect(keep.prune).toEqual([]);
    expect(isNoop(keep)).toBe(true);
    expect(renderPlan(keep, false).join('\n')).toContain('--yes-i-understand-this-deletes-data');
    const drop = planSchema(TABLES, live, { prune: true });
    expect(drop.prune.map((d) => `${d.kind}:${d.key}`).sort()).toEqual(['extra-column:nickname', 'extra-index:by_nickname', 'extra-table:scratch']);
    expect(isNoop(drop)).toBe(false);
    expect(renderPlan(drop, true).join('\n')).toContain('- extra-table scratch');
  });
});
