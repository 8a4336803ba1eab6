/** Mirror metrics: counts by operation, last applied, lag and dead letters, as /metrics shows them. */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDeadLetters } from '../../infra/mirror/dead-letter.js';
import { mirrorReadinessCheck, readMirrorStatus, registerMirrorMetrics } from '../../infra/mirror/metrics.js';
import { startMirrorStack, type MirrorStack } from './support.js';

let s: MirrorStack;
beforeAll(async () => {
  s = await startMirrorStack({ delivery: { duplicate: 1, seed: 5 } });
});
afterAll(async () => s.stop());

describe('mirror metrics', () => {
  it('reports applied and skipped changes by operation, lag and dead letters', async () => {
    await s.emu.tablesDB.createRow({ databaseId: 'pos', tableId: 'products', rowId: 'm1', data: { storeId: 'st1', sku: 'm1', name: 'Tea', priceMinor: 250, currency: 'EUR' } });
    await s.emu.emulator.functions.idle();
    await s.emu.tablesDB.updateRow({ databaseId: 'pos', tableId: 'products', rowId: 'm1', data: { stock: 4 } });
    await s.emu.emulator.functions.idle();
    await s.emu.tablesDB.deleteRow({ databaseId: 'pos', tableId: 'products', rowId: 'm1' });
    await s.emu.emulator.functions.idle();
    const status = await readMirrorStatus(s.pool);
    // Every delivery was duplicated: one applied and one skipped per operation.
    expect(status.applied).toEqual({ create: 1, update: 1, delete: 1 });
    expect(status.skipped).toEqual({ create: 1, update: 1, delete: 1 });
    expect(status.lagMs).toBeGreaterThanOrEqual(0);
    expect(status.lagMs).toBeLessThan(5000);
    expect(Date.now() - Date.parse(status.lastAppliedAt!)).toBeLessThan(10_000);
    expect(status.deadLetters).toBe(0);

    await insertDeadLetters(s.pool, [{ eventKey: 'k'.repeat(64), tableName: 'pos_products', rowId: 'x', action: 'update', eventName: '', payload: { $id: 'x' }, error: 'test', attempts: 3, failedAt: new Date().toISOString() }]);
    const registry = new Registry();
    registerMirrorMetrics(registry, s.pool);
    const text = await registry.metrics();
    expect(text).toContain('tillgate_mirror_events_total{operation="create",result="applied"} 1');
    expect(text).toContain('tillgate_mirror_events_total{operation="delete",result="skipped"} 1');
    expect(text).toContain('tillgate_mirror_dead_letters 1');
    expect(text).toMatch(/tillgate_mirror_lag_ms \d+/);
    await expect(mirrorReadinessCheck(s.pool, 0)()).rejects.toThrow(/1 mirror dead letters pending/);
    await expect(mirrorReadinessCheck(s.pool, 10)()).resolves.toMatchObject({ deadLetters: 1 });
  });
});
