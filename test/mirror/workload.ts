/**
 * A seeded random workload of creates, updates and deletes across mirrored tables and users,
 * written through the real node-appwrite SDK. Each worker owns its rows, so concurrent workers
 * never race on one row; deleted ids are sometimes re-created (a new `$sequence`).
 */
import { ID } from 'node-appwrite';
import { mulberry32 } from '../../emulator/functions/delivery.js';
import type { TestEmulator } from '../support/emulator.js';

export type WorkloadTable = 'products' | 'customers' | 'terminal_sessions' | 'approvals' | 'sales' | 'users';

export interface WorkloadOptions {
  ops: number;
  seed: number;
  concurrency?: number;
  tables?: readonly WorkloadTable[];
  /** Weight of `users` among the tables (default 0.05). */
  userShare?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function createData(table: Exclude<WorkloadTable, 'users'>, id: string, r: () => number): Record<string, unknown> {
  const n = Math.floor(r() * 1_000_000);
  switch (table) {
    case 'products':
      return { storeId: 'st1', sku: id, name: `Product ${n}`, priceMinor: n % 50_000, currency: 'EUR', stock: n % 100, isActive: r() < 0.9 };
    case 'customers':
      return { storeId: 'st1', firstName: `F${n}`, lastName: `L${n}`, email: `c${n}@example.com`, isActive: true };
    case 'terminal_sessions':
      return { userId: `u${n}`, terminalId: 't1', storeId: 'st1', startedAt: iso(1_790_000_000_000 + n), deviceInfo: `till ${n}`, ipAddress: '10.0.0.1' };
    case 'approvals':
      return { storeId: 'st1', terminalId: 't1', action: 'sales:refund', resourceId: `s${n}`, amountLimit: n % 10_000, operatorId: 'u1', approverId: 'u2', tokenHash: `secret-token-hash-${n}`, expiresAt: iso(1_790_000_000_000 + n) };
    case 'sales':
      return { storeId: 'st1', terminalId: 't1', staffId: 'u1', totalMinor: n % 100_000, currency: 'EUR', status: 'completed', occurredAt: iso(1_790_000_000_000 + n) };
  }
}

function updateData(table: Exclude<WorkloadTable, 'users'>, r: () => number): Record<string, unknown> {
  const n = Math.floor(r() * 1_000_000);
  switch (table) {
    case 'products':
      return { priceMinor: n % 50_000, stock: n % 100, name: `Product ${n}` };
    case 'customers':
      return { lastName: `L${n}`, isActive: r() < 0.5 };
    case 'terminal_sessions':
      return { endedAt: iso(1_790_000_100_000 + n), endReason: 'logout' };
    case 'approvals':
      return { status: 'used', usedAt: iso(1_790_000_100_000 + n), tokenHash: `secret-token-hash-${n}` };
    case 'sales':
      return { status: r() < 0.5 ? 'refunded' : 'voided', totalMinor: n % 100_000 };
  }
}

/** Runs the workload; returns the number of writes made (each emits exactly one row or user event). */
export async function runWorkload(emu: TestEmulator, o: WorkloadOptions): Promise<number> {
  const tables = o.tables ?? ['products', 'customers', 'terminal_sessions', 'approvals', 'sales', 'users'];
  const concurrency = o.concurrency ?? 16;
  let writes = 0;
  const worker = async (w: number, count: number) => {
    const r = mulberry32(o.seed * 1000 + w);
    const live = new Map<WorkloadTable, string[]>();
    const dead = new Map<WorkloadTable, string[]>();
    for (let i = 0; i < count; i++) {
      const userShare = tables.includes('users') ? (o.userShare ?? 0.05) : 0;
      const rowTables = tables.filter((t) => t !== 'users');
      const table: WorkloadTable = r() < userShare ? 'users' : rowTables[Math.floor(r() * rowTables.length)]!;
      const ids = live.get(table) ?? [];
      live.set(table, ids);
      const gone = dead.get(table) ?? [];
      dead.set(table, gone);
      const roll = r();
      const action = ids.length === 0 || roll < 0.4 ? 'create' : roll < 0.8 ? 'update' : 'delete';
      if (table === 'users') {
        if (action === 'create') {
          const id = ID.unique();
          await emu.users.create({ userId: id, email: `${id}@example.com`, name: `User ${i}` });
          ids.push(id);
        } else {
          const idx = Math.floor(r() * ids.length);
          const id = ids[idx]!;
          if (action === 'update') await emu.users.updateLabels({ userId: id, labels: [r() < 0.5 ? 'cashier' : 'manager'] });
          else {
            await emu.users.delete({ userId: id });
            ids.splice(idx, 1);
          }
        }
      } else if (action === 'create') {
        // Sometimes re-create a deleted id: Appwrite gives it a new $sequence.
        const id = gone.length > 0 && r() < 0.1 ? gone.pop()! : ID.unique();
        await emu.tablesDB.createRow({ databaseId: 'pos', tableId: table, rowId: id, data: createData(table, id, r) });
        ids.push(id);
      } else {
        const idx = Math.floor(r() * ids.length);
        const id = ids[idx]!;
        if (action === 'update') await emu.tablesDB.updateRow({ databaseId: 'pos', tableId: table, rowId: id, data: updateData(table, r) });
        else {
          await emu.tablesDB.deleteRow({ databaseId: 'pos', tableId: table, rowId: id });
          ids.splice(idx, 1);
          gone.push(id);
        }
      }
      writes++;
    }
  };
  const per = Math.floor(o.ops / concurrency);
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w, w === 0 ? o.ops - per * (concurrency - 1) : per)));
  return writes;
}
