/**
 * Optimistic batches (infra/mirror/apply.ts `optimistic`, used by the writer): a batch of changes
 * to a table with soft deletes is written without reading the stored versions first. A stale or
 * duplicate change in it makes the batch roll back (OptimisticConflict) and apply again reading
 * them, so the outcomes, the rows and the change log are those of a read-first batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeFromResource, type MirrorOperation } from '../../core/mirror/events.js';
import { applyChanges, mirrorTransaction, OptimisticConflict } from '../../infra/mirror/apply.js';
import type { MirrorCatalog } from '../../infra/mirror/catalog.js';
import { rows, startMirrorDatabase, type MirrorDatabase } from './support.js';

let m: MirrorDatabase;
let db: MirrorDatabase['db'];
let catalog: MirrorCatalog;
beforeAll(async () => {
  m = await startMirrorDatabase('tg_mirror_optimistic');
  ({ db, catalog } = m);
});
afterAll(() => m.stop());

const at = (s: number) => `2026-11-23T10:00:${String(s).padStart(2, '0')}.000+00:00`;
const product = (op: MirrorOperation, id: string, updated: number, name: string) =>
  changeFromResource('products', op, { $id: id, $sequence: '1', $createdAt: at(0), $updatedAt: at(updated), $permissions: [], storeId: 'st1', sku: id, name, priceMinor: 100, currency: 'EUR' }, `databases.pos.tables.products.rows.${id}.${op}`);
const names = async () => Object.fromEntries((await rows(db.pool, "SELECT id, name, deleted_at IS NOT NULL AS d FROM pos_products WHERE id LIKE 'o%' ORDER BY id")).map((r) => [r.id, `${r.name}${Number(r.d) === 1 ? ' (deleted)' : ''}`]));
const logged = async () => Number((await rows(db.pool, "SELECT COUNT(*) AS n FROM mirror_change_log WHERE row_id LIKE 'o%'"))[0]!.n);

describe('optimistic mirror batches', () => {
  it('writes a batch of new and newer rows without reading first', async () => {
    const created = await mirrorTransaction(db.pool, (c) => applyChanges(c, catalog, [product('create', 'o1', 1, 'Tea'), product('create', 'o2', 1, 'Cake')], new Date(), { optimistic: true }));
    expect(created.applied).toHaveLength(2);
    const updated = await mirrorTransaction(db.pool, (c) => applyChanges(c, catalog, [product('update', 'o1', 2, 'Green tea'), product('create', 'o3', 1, 'Scone')], new Date(), { optimistic: true }));
    expect([updated.applied.length, updated.skipped.length]).toEqual([2, 0]);
    expect(await names()).toEqual({ o1: 'Green tea', o2: 'Cake', o3: 'Scone' });
    expect(await logged()).toBe(4);
  });

  it('rolls a batch back when one change is a duplicate or stale, leaving nothing of it', async () => {
    for (const stale of [product('create', 'o2', 1, 'Cake'), product('create', 'o1', 1, 'Tea')]) {
      await expect(mirrorTransaction(db.pool, (c) => applyChanges(c, catalog, [product('create', 'o4', 1, 'Bun'), stale], new Date(), { optimistic: true }))).rejects.toBeInstanceOf(OptimisticConflict);
    }
    expect(await names()).toEqual({ o1: 'Green tea', o2: 'Cake', o3: 'Scone' });
    expect(await logged()).toBe(4);
  });

  it('the writer re-applies such a batch reading first: the same outcomes as one change at a time', async () => {
    const writer = m.writer({ lanes: 1 });
    // Submitted together, so one batch: a duplicate, a stale update, a new row, a newer update and a soft delete.
    const outcomes = await Promise.all([
      writer.submit(product('create', 'o2', 1, 'Cake')),
      writer.submit(product('update', 'o1', 1, 'Tea again')),
      writer.submit(product('create', 'o5', 1, 'Pie')),
      writer.submit(product('update', 'o3', 3, 'Cheese scone')),
      writer.submit(product('delete', 'o2', 1, 'Cake')),
    ]);
    expect(outcomes).toEqual(['skipped', 'skipped', 'applied', 'applied', 'applied']);
    expect(await names()).toEqual({ o1: 'Green tea', o2: 'Cake (deleted)', o3: 'Cheese scone', o5: 'Pie' });
    // o1 at 1 s was logged before (its create); the other four are new distinct changes.
    expect(await logged()).toBe(8);
    // The batches after a conflict read first and still apply new changes.
    expect(await Promise.all([writer.submit(product('create', 'o6', 1, 'Tart')), writer.submit(product('update', 'o5', 2, 'Apple pie'))])).toEqual(['applied', 'applied']);
    expect(await names()).toMatchObject({ o5: 'Apple pie', o6: 'Tart' });
  });
});
