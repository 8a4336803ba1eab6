/**
 * Issue 10 item 2, faults: MariaDB (a second `mariadbd` with its own data directory and port,
 * started and stopped by the test; the shared server is never touched) is stopped for 3 s in the
 * middle of a stream of writes through the gateway (staff created and renamed, terminals created),
 * with the `mirror` and `audit` functions running on the emulator's events as in the embedded
 * stack.
 *
 * - While MariaDB is down a write answers 2xx or 503 in the envelope, never 500.
 * - No audit entry is lost: every write the gateway acknowledged (2xx) has its entry, and every
 *   change that reached Appwrite is recorded in the audit log, by the gateway or by the `audit`
 *   function; the hash chain verifies.
 * - No mirror row is lost: after the mirror's retries (and a replay of anything dead-lettered)
 *   a check-only reconcile finds MariaDB equal to Appwrite.
 */
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../collections/index.js';
import { ERROR_CODES } from '../../core/errors.js';
import { verifyAuditChain } from '../../infra/audit/verify.js';
import { createPool, type Pool } from '../../infra/mariadb.js';
import { loadCatalog } from '../../infra/mirror/catalog.js';
import { reconcile } from '../../infra/mirror/reconcile.js';
import { replayDeadLetters } from '../../infra/mirror/replay.js';
import { appwriteSource } from '../../infra/mirror/source.js';
import { startSecondMariadb, type SecondMariadb } from '../mirror/second-mariadb.js';
import { reportCounts } from './support/counts.js';
import { call, CHECKPOINT_KEY, envelopeProblems, loginAt, registerDataFunctions, rows, sleep, startGatewayStack, type GatewayStack } from './support/stack.js';

const WRITES = 300;
const silent = pino({ level: 'silent' });
let server: SecondMariadb;
let s: GatewayStack;
let pool: Pool;
let spoolDir: string;
let base: string;

beforeAll(async () => {
  server = await startSecondMariadb();
  const url = `${server.serverUrl}/tillgate_rel`;
  s = await startGatewayStack({ MARIADB_URL: url });
  base = s.gateway!.url;
  ({ spoolDir } = await registerDataFunctions(s.emu.emulator, url));
  pool = createPool(url, 4);
}, 180_000);

afterAll(async () => {
  await s?.emu.emulator.functions.idle();
  await pool?.end();
  await s?.stop();
  await server?.destroy();
  if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
});

interface Outcome {
  what: string;
  status: number;
  requestId: string;
  code: string | undefined;
  during: boolean;
}

describe('MariaDB outage during a stream of writes', () => {
  it('loses no audit entry and no mirror row', async (ctx) => {
    const admin = await s.createStaff('admin');
    const jwt = await loginAt(base, admin);
    const changed = new Map<string, string>(); // Appwrite user id → first event that touched it
    const unsubscribe = s.emu.emulator.events.subscribe((e) => {
      const m = /^users\.([^.]+)\./.exec(e.names[0] ?? '');
      if (m && !changed.has(m[1]!)) changed.set(m[1]!, e.names[0]!);
    });

    const outcomes: Outcome[] = [];
    const createdIds: string[] = [];
    let down = false;
    let outage: Promise<void> | undefined;
    let issued = 0;
    const writeOnce = async () => {
      const n = issued++;
      if (n === Math.floor(WRITES * 0.3)) {
        outage = (async () => {
          down = true;
          await server.stop();
          await sleep(3000);
          await server.start();
          down = false;
        })();
      }
      const during = down;
      let what: string;
      let res: { status: number; headers: Headers; body: Record<string, unknown> };
      if (n % 3 === 2 && createdIds.length > 0) {
        const id = createdIds[n % createdIds.length]!;
        what = `rename ${id}`;
        res = await call(base, 'PATCH', `/api/v1/users/${id}`, { jwt, body: { name: `Renamed ${n}` } });
      } else if (n % 3 === 1) {
        what = 'terminal';
        res = await call(base, 'POST', '/api/v1/terminals', { jwt, body: { storeId: 'store-a', name: `Till ${n}` } });
      } else {
        what = 'create staff';
        res = await call(base, 'POST', '/api/v1/users', { jwt, body: { email: `stream${n}-${Date.now()}@example.com`, name: `Stream ${n}`, role: 'cashier', storeId: 'store-a', password: 'long-enough-password' } });
        if (res.status === 201) createdIds.push(String(res.body.id));
      }
      const requestId = res.headers.get('x-request-id') ?? '';
      expect(envelopeProblems(res.status, res.headers.get('content-type') ?? undefined, JSON.stringify(res.body), requestId, ERROR_CODES), what).toEqual([]);
      outcomes.push({ what, status: res.status, requestId, code: (res.body.error as { code?: string } | undefined)?.code, during: during || down });
    };
    const workers = Array.from({ length: 4 }, async () => {
      while (issued < WRITES) {
        await writeOnce();
        await sleep(20);
      }
    });
    await Promise.all(workers);
    await outage;
    expect(outage).toBeDefined();
    await s.emu.emulator.functions.idle();
    unsubscribe();

    // Answers: 2xx, or 503 while MariaDB was away; never a 500.
    const byStatus = outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [`${o.status} ${o.code ?? ''}`.trim()]: (acc[`${o.status} ${o.code ?? ''}`.trim()] ?? 0) + 1 }), {});
    expect(outcomes.filter((o) => o.status >= 500 && o.status !== 503), JSON.stringify(byStatus)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 503 && o.code !== 'DEPENDENCY_UNAVAILABLE')).toEqual([]);
    const refused = outcomes.filter((o) => o.status === 503).length;
    expect(refused, 'the outage was felt').toBeGreaterThan(0);
    expect(outcomes.slice(-20).every((o) => o.status < 300), 'writes succeed again after the restart').toBe(true);

    // Replay what the mirror dead-lettered while MariaDB was down (nothing, if its retries rode it out).
    const catalog = await loadCatalog(pool, TABLES);
    const replay = await replayDeadLetters({ pool, catalog, spoolDir, log: silent });
    expect(replay.failed).toBe(0);

    // No audit entry lost: each acknowledged write has the gateway's entry ...
    const entries = await rows(pool, 'SELECT request_id, action, target_id FROM audit_log');
    const byRequest = new Set(entries.map((r) => String(r.request_id)));
    const acknowledged = outcomes.filter((o) => o.status < 300);
    expect.soft(acknowledged.filter((o) => !byRequest.has(o.requestId)).map((o) => o.what)).toEqual([]);
    // ... and every user that changed in Appwrite is in the log (gateway or `audit` function).
    const targets = new Set(entries.map((r) => String(r.target_id)));
    const unaudited = [...changed.entries()].filter(([id]) => !targets.has(id)).map(([id, event]) => `${id} (${event})`);
    expect.soft(unaudited, `${unaudited.length} Appwrite changes without an audit entry`).toEqual([]);
    const chain = await verifyAuditChain({ pool, checkpointKey: CHECKPOINT_KEY });
    expect.soft(chain.ok).toBe(true);

    // No mirror row lost: MariaDB equals Appwrite without repairs.
    const check = await reconcile({ pool, catalog, source: appwriteSource(s.admin.tablesDB, s.admin.users, 'pos'), repair: false, log: silent });
    expect.soft(check.tables.filter((t) => t.missing + t.stale + t.orphaned + t.stillDifferent > 0)).toEqual([]);
    const mirrored = check.tables.reduce((n, t) => n + t.mariadb, 0);

    reportCounts(ctx, {
      faultsInjected: 1,
      writesDuringStream: outcomes.length,
      writesRefusedDuringFault: refused,
      auditEntriesChecked: entries.length,
      mirrorRowsChecked: mirrored,
      deadLettersReplayed: replay.replayed,
      appwriteChangesWithoutAuditEntry: unaudited.length,
      answers: Object.entries(byStatus).map(([k, v]) => `${k}:${v}`).join(' '),
    });
  });
});
