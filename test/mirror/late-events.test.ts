/**
 * Version guard and tombstones: a delete followed by a late update (or a late create, or a
 * duplicate) leaves the row deleted, on a soft-delete table (`deleted_at` kept) and on a
 * hard-delete table (row gone, tombstone kept); a row re-created under the same `$id` is
 * mirrored again. Real event payloads are captured from the emulator and delivered in a chosen
 * order through the mirror function's entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmittedEvent } from '../../emulator/events.js';
import { createDeadLetterSink } from '../../infra/mirror/dead-letter.js';
import { createMirrorWriter, type MirrorWriter } from '../../infra/mirror/writer.js';
import { parseMirrorEvent } from '../../core/mirror/events.js';
import { rows, silentLog, startMirrorStack, type MirrorStack } from './support.js';

let s: MirrorStack;
let writer: MirrorWriter;
const captured: EmittedEvent[] = [];
beforeAll(async () => {
  // No function registered: the test delivers the captured events itself, in its own order.
  s = await startMirrorStack({ register: false });
  s.emu.emulator.events.subscribe((e) => captured.push(e));
  writer = createMirrorWriter({ pool: s.pool, catalog: s.catalog, log: silentLog, deadLetters: createDeadLetterSink(s.pool, s.spoolDir, silentLog) });
});
afterAll(async () => s.stop());

const deliver = async (e: EmittedEvent) => {
  const p = parseMirrorEvent(e.names[0]!, e.payload, 'pos');
  if (p.kind !== 'change') throw new Error(`not a change: ${JSON.stringify(p)}`);
  return writer.submit(p.event);
};
const eventsOf = (rowId: string) => captured.filter((e) => (e.payload as { $id?: string }).$id === rowId);
const product = (sku: string) => ({ storeId: 'st1', sku, name: 'Tea', priceMinor: 250, currency: 'EUR' });
const session = { userId: 'u1', terminalId: 't1', storeId: 'st1', startedAt: '2026-11-23T10:00:00.000+00:00' };

describe('a delete followed by late events', () => {
  it('soft-delete table: a late update after the delete leaves the row deleted', async () => {
    const db = s.emu.tablesDB;
    await db.createRow({ databaseId: 'pos', tableId: 'products', rowId: 'p1', data: product('p1') });
    await db.updateRow({ databaseId: 'pos', tableId: 'products', rowId: 'p1', data: { priceMinor: 300 } });
    await db.deleteRow({ databaseId: 'pos', tableId: 'products', rowId: 'p1' });
    const [create, update, del] = eventsOf('p1');
    expect(await deliver(create!)).toBe('applied');
    expect(await deliver(del!)).toBe('applied');
    expect(await deliver(update!)).toBe('skipped'); // late
    expect(await deliver(create!)).toBe('skipped'); // duplicate, later still
    expect(await deliver(del!)).toBe('skipped'); // duplicate delete
    const [row] = await rows(s.pool, 'SELECT price_minor, deleted_at FROM pos_products WHERE id = ?', ['p1']);
    expect(row!.deleted_at).toBeInstanceOf(Date);
    // The delete carried the last state (300), which the soft-deleted row keeps.
    expect(Number(row!.price_minor)).toBe(300);
  });

  it('hard-delete table: the delete arriving first leaves a tombstone that refuses the late create and update', async () => {
    const db = s.emu.tablesDB;
    await db.createRow({ databaseId: 'pos', tableId: 'terminal_sessions', rowId: 'ts1', data: session });
    await db.updateRow({ databaseId: 'pos', tableId: 'terminal_sessions', rowId: 'ts1', data: { endReason: 'logout', endedAt: '2026-11-23T11:00:00.000+00:00' } });
    await db.deleteRow({ databaseId: 'pos', tableId: 'terminal_sessions', rowId: 'ts1' });
    const [create, update, del] = eventsOf('ts1');
    expect(await deliver(del!)).toBe('applied');
    expect(await deliver(update!)).toBe('skipped');
    expect(await deliver(create!)).toBe('skipped');
    expect(await rows(s.pool, 'SELECT id FROM pos_terminal_sessions WHERE id = ?', ['ts1'])).toEqual([]);
    expect(await rows(s.pool, 'SELECT row_id FROM mirror_tombstones WHERE table_name = ? AND row_id = ?', ['pos_terminal_sessions', 'ts1'])).toHaveLength(1);
  });

  it('a row re-created under the same $id (new $sequence) is mirrored again, and older events stay refused', async () => {
    const db = s.emu.tablesDB;
    const again = await db.createRow({ databaseId: 'pos', tableId: 'terminal_sessions', rowId: 'ts1', data: { ...session, terminalId: 't2' } });
    const recreate = eventsOf('ts1').at(-1)!;
    const [oldCreate, oldUpdate] = eventsOf('ts1');
    expect(await deliver(recreate)).toBe('applied');
    expect(await deliver(oldUpdate!)).toBe('skipped');
    expect(await deliver(oldCreate!)).toBe('skipped');
    const [row] = await rows(s.pool, 'SELECT terminal_id, sequence FROM pos_terminal_sessions WHERE id = ?', ['ts1']);
    expect([row!.terminal_id, String(row!.sequence)]).toEqual(['t2', again.$sequence]);
  });

  it('users: a late labels update after the user was deleted does not bring the user back', async () => {
    await s.emu.users.create({ userId: 'u-late', email: 'late@example.com', password: 'a-long-password-1', name: 'Late' });
    await s.emu.users.updateLabels({ userId: 'u-late', labels: ['cashier'] });
    await s.emu.users.delete({ userId: 'u-late' });
    const [create, labels, del] = eventsOf('u-late');
    expect(await deliver(create!)).toBe('applied');
    expect(await deliver(del!)).toBe('applied');
    expect(await deliver(labels!)).toBe('skipped');
    expect(await rows(s.pool, 'SELECT id FROM appwrite_users WHERE id = ?', ['u-late'])).toEqual([]);
    // Each distinct change is logged once (the late one too, as history); the password hash never is.
    const log = await rows(s.pool, 'SELECT payload FROM mirror_change_log WHERE row_id = ?', ['u-late']);
    expect(log).toHaveLength(3);
    expect(JSON.stringify(log)).not.toMatch(/argon2|"password"|"hash"/);
  });

  it('reconcile then finds the mirror in parity with Appwrite', async () => {
    const report = await s.reconcile(false);
    expect(report.differences).toBe(0);
  });
});
