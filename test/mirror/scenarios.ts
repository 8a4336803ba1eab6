/**
 * The mirror's reliability scenarios, shared by the quick suites in `test/mirror/` and the
 * full-size ones in `test/reliability/` (the figures: 10,000 and 5,000 writes).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { tableById } from '../../collections/index.js';
import { mirrorTableFor } from '../../core/mirror/schema.js';
import { SPOOL_FILE } from '../../infra/mirror/dead-letter.js';
import { replayDeadLetters } from '../../infra/mirror/replay.js';
import { startSecondMariadb } from './second-mariadb.js';
import { rows, silentLog, startMirrorStack } from './support.js';
import { runWorkload } from './workload.js';

/**
 * `ops` random writes with duplicated and reordered delivery; then a reconcile (with repairs on)
 * must find nothing to repair, counts and contents must match, every write must be in the change
 * log once, and no secret may reach MariaDB.
 */
export async function parityScenario(ops: number): Promise<void> {
  const s = await startMirrorStack({ delivery: { duplicate: 0.3, reorder: true, reorderWindowMs: 20, delayMs: [0, 15], seed: 8 } });
  try {
    const writes = await runWorkload(s.emu, { ops, seed: 1 });
    await s.emu.emulator.functions.idle();
    const stats = s.emu.emulator.functions.stats;
    expect(stats.duplicated).toBeGreaterThan(ops * 0.2);

    const report = await s.reconcile(true);
    expect(report.tables.filter((t) => t.missing + t.stale + t.orphaned + t.stillDifferent > 0)).toEqual([]);
    expect(report.repaired).toBe(0);
    for (const t of report.tables) expect(t.mariadb, t.table).toBe(t.appwrite);
    expect(report.tables.reduce((n, t) => n + t.appwrite, 0)).toBeGreaterThan(ops / 10);

    // Every write is in the change log exactly once, however often it was delivered.
    const [log] = await rows(s.pool, 'SELECT COUNT(*) AS n FROM mirror_change_log');
    expect(Number(log!.n)).toBe(writes);
    const [stat] = await rows(s.pool, 'SELECT SUM(applied) AS a, SUM(skipped) AS k FROM mirror_stats');
    expect(Number(stat!.a) + Number(stat!.k)).toBe(writes + stats.duplicated);

    // Content, not just versions: every live product equals its Appwrite row.
    const products = mirrorTableFor(tableById('products')!);
    const mirrored = new Map((await rows(s.pool, `SELECT id, name, price_minor, stock, is_active FROM ${products.name} WHERE deleted_at IS NULL`)).map((r) => [r.id as string, r]));
    let after: string | null = null;
    let compared = 0;
    for (;;) {
      const page = await s.source.page('products', after, 500);
      if (page.length === 0) break;
      after = String(page[page.length - 1]!.$id);
      for (const p of page) {
        const m = mirrored.get(String(p.$id));
        expect(m, String(p.$id)).toBeDefined();
        expect([m!.name, Number(m!.price_minor), Number(m!.stock), Number(m!.is_active) === 1]).toEqual([p.name, p.priceMinor, p.stock, p.isActive]);
        compared++;
      }
    }
    expect(compared).toBe(mirrored.size);

    // Secrets (the approvals' tokenHash) never reach MariaDB.
    const [leak] = await rows(s.pool, "SELECT COUNT(*) AS n FROM mirror_change_log WHERE payload LIKE '%secret-token-hash%' OR payload LIKE '%tokenHash%'");
    expect(Number(leak!.n)).toBe(0);
    const [leak2] = await rows(s.pool, "SELECT COUNT(*) AS n FROM pos_approvals WHERE extra LIKE '%secret-token-hash%'");
    expect(Number(leak2!.n)).toBe(0);
    const [dlq] = await rows(s.pool, 'SELECT COUNT(*) AS n FROM mirror_dead_letter');
    expect(Number(dlq!.n)).toBe(0);
  } finally {
    await s.stop();
  }
}

/**
 * `writes` writes (duplicated and reordered) while a second mariadbd is stopped for 3 s at 30 %
 * of the stream. Changes are retried with backoff; those whose budget (1.5 s here) runs out are
 * dead-lettered to the spool. After replay, a check-only reconcile finds exact parity and no
 * dead letter is pending.
 */
export async function outageScenario(writesWanted: number): Promise<void> {
  const server = await startSecondMariadb();
  const s = await startMirrorStack({
    mariadbUrl: `${server.serverUrl}/tillgate_mirror`,
    delivery: { duplicate: 0.2, reorder: true, reorderWindowMs: 10, seed: 3 },
    entry: { retry: { baseDelayMs: 50, maxDelayMs: 400, maxAttempts: 50, maxElapsedMs: 1500 } },
  });
  try {
    let emitted = 0;
    let outage: Promise<void> | undefined;
    const unsubscribe = s.emu.emulator.events.subscribe(() => {
      emitted++;
      if (emitted === Math.floor(writesWanted * 0.3)) {
        outage = (async () => {
          await server.stop();
          await new Promise((r) => setTimeout(r, 3000));
          await server.start();
        })();
      }
    });
    const writes = await runWorkload(s.emu, { ops: writesWanted, seed: 11, concurrency: 8 });
    unsubscribe();
    await outage;
    await s.emu.emulator.functions.idle();
    expect(outage).toBeDefined();

    // The outage was real: executions failed and dead letters went to the spool file.
    const failed = [...s.emu.emulator.state.executions.values()].filter((e) => e.functionId === 'mirror' && e.status === 'failed').length;
    expect(failed).toBeGreaterThan(0);
    expect(existsSync(join(s.spoolDir, SPOOL_FILE))).toBe(true);

    const replay = await replayDeadLetters({ pool: s.pool, catalog: s.catalog, spoolDir: s.spoolDir, log: silentLog });
    expect(replay.ingested).toBeGreaterThan(0);
    expect(replay.failed).toBe(0);
    expect(replay.pending).toBe(0);
    expect(existsSync(join(s.spoolDir, SPOOL_FILE))).toBe(false);
    const [dlq] = await rows(s.pool, 'SELECT COUNT(*) AS n FROM mirror_dead_letter WHERE replayed_at IS NULL');
    expect(Number(dlq!.n)).toBe(0);

    // Parity from retries and replay alone: the reconcile only checks.
    const check = await s.reconcile(false);
    expect(check.tables.filter((t) => t.stillDifferent > 0 || t.missing + t.stale + t.orphaned > 0)).toEqual([]);
    for (const t of check.tables) expect(t.mariadb, t.table).toBe(t.appwrite);
    const [log] = await rows(s.pool, 'SELECT COUNT(*) AS n FROM mirror_change_log');
    expect(Number(log!.n)).toBe(writes);
  } finally {
    await s.stop();
    await server.destroy();
  }
}
