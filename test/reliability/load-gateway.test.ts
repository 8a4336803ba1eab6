/**
 * Issue 10 item 2, load: 500 concurrent connections for 60 s (autocannon) against the gateway in
 * its own process: 450 readers cycling `GET auth/me`, `GET users/{id}` and `GET users?limit=20`
 * with a manager's JWT at 1 request per second each (`LOAD_READ_RATE`), and 50 tills logging in by
 * PIN back to back (`POST auth/pin-login` with a terminal credential, closed loop). Each till has its own enrolled terminal and cashier: a till serves one
 * login at a time, and the lockout reserves in-flight attempts per staff member (5) and terminal
 * (10), so one cashier logging in 50 times at once would be refused by design. PIN hashes use
 * bcrypt cost 4 (PIN_BCRYPT_COST=4), as everywhere in the tests; production uses 10. Rate limits
 * are raised for the test. The emulator runs in a third process.
 *
 * No errors: every answer 2xx, no 5xx, no socket error or timeout (10 s). p50/p99 and throughput
 * are reported (timings are machine-dependent and never asserted). `LOAD_SECONDS`,
 * `LOAD_CONNECTIONS` (a tenth of them are tills) and `LOAD_READ_RATE` change the run.
 */
import os from 'node:os';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../collections/index.js';
import { createAppwriteAdmin, type AppwriteAdmin } from '../../infra/appwrite.js';
import { migrate } from '../../infra/migrate.js';
import { createPinHasher } from '../../infra/pin-hasher.js';
import { syncSchema } from '../../infra/schema-sync/sync.js';
import { setPin } from '../../infra/staff/credentials.js';
import { createStaff } from '../../infra/staff/directory.js';
import { startEmulatorProcess, type EmulatorProcess } from '../support/emulator-process.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';
import { reportCounts } from './support/counts.js';
import { call, enrollTerminal, gatewayTestEnv, loginAt, TEST_PEPPER } from './support/stack.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 500);
/**
 * Requests per second of each reader connection (`LOAD_READ_RATE`, default 1: 450 clients each
 * polling once a second). `LOAD_READ_RATE=0` makes the readers a closed loop (each sends its next
 * request as soon as the answer arrives, autocannon's default): a saturation flood, in which PIN
 * logins, made of about ten sequential Appwrite, Redis, bcrypt and MariaDB steps, wait behind the
 * reads at every step and exceed the 10 s timeout on a 2-core machine.
 */
const READ_RATE = Number(process.env.LOAD_READ_RATE ?? 1) || undefined;
/** Connections that are tills logging in by PIN (each its own terminal and cashier); the rest read. */
const TILL_CONNECTIONS = Math.max(1, Math.round(CONNECTIONS / 10));

let emu: EmulatorProcess;
let db: TestDatabase;
let redis: TestRedis;
let gw: GatewayProcess;
let admin: AppwriteAdmin;
const tills: { auth: string; body: string }[] = [];
let readerJwt: string;
let targetUserId: string;

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

beforeAll(async () => {
  emu = await startEmulatorProcess();
  db = await createTestDatabase('tg_load');
  redis = await createTestRedis();
  admin = createAppwriteAdmin({ endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey });
  await syncSchema({ tablesDB: admin.tablesDB, databaseId: 'pos', tables: TABLES });
  await migrate({ url: db.url });
  gw = await startGatewayProcess({ ...gatewayTestEnv(emu, db.url, redis), MARIADB_POOL_SIZE: '20' });
  const base = gw.url;
  const manager = { email: `load-manager-${Date.now()}@example.com`, password: 'load-manager-password' };
  await createStaff(admin, 'pos', { ...manager, name: 'Load manager', role: 'manager', storeId: 'store-a' });
  const managerJwt = await loginAt(base, manager);
  readerJwt = await loginAt(base, manager);
  const target = await createStaff(admin, 'pos', { email: `load-target-${Date.now()}@example.com`, name: 'Load target', role: 'cashier', storeId: 'store-a' });
  targetUserId = target.userId;
  const hasher = createPinHasher({ cost: 4 });
  await pool(Array.from({ length: TILL_CONNECTIONS }, (_, i) => i), 8, async (i) => {
    const cashier = await createStaff(admin, 'pos', { email: `load-cashier-${i}-${Date.now()}@example.com`, name: `Cashier ${i}`, role: 'cashier', storeId: 'store-a' });
    // Distinct 6-digit PINs; a candidate the PIN policy refuses (sequences, repeats, dates) is skipped.
    let pin = '';
    for (let attempt = 0; !pin; attempt++) {
      const candidate = String(100000 + ((i * 1777 + attempt * 500_009) % 900_000));
      try {
        await setPin(admin, 'pos', hasher, { userId: cashier.userId, storeId: 'store-a', pin: candidate, pepper: TEST_PEPPER, cost: 4 });
        pin = candidate;
      } catch (e) {
        if (attempt > 20 || !['PIN_POLICY_VIOLATION', 'PIN_IN_USE'].includes((e as { code?: string }).code ?? '')) throw e;
      }
    }
    const till = await enrollTerminal(base, managerJwt, `Load till ${i}`);
    tills[i] = { auth: till.auth, body: JSON.stringify({ pin }) };
  });
  await hasher.close();
}, 600_000);

afterAll(async () => {
  await gw?.kill('SIGTERM');
  await emu?.stop();
  await db?.drop();
  await redis?.cleanup();
});

describe('gateway under load', () => {
  it(`serves ${CONNECTIONS} connections for ${SECONDS} s of reads and PIN logins without an error`, { timeout: (SECONDS + 120) * 1000 }, async (ctx) => {
    let assigned = 0;
    const pinStatuses: Record<string, number> = {};
    const bearer = { authorization: `Bearer ${readerJwt}` };
    const common = { url: gw.url, duration: SECONDS, timeout: 10 };
    // Two generators at once, 500 connections in all: readers cycling the three reads, and tills
    // logging in back to back (closed loop: a till waits for its answer before the next login).
    const [reads, logins] = await Promise.all([
      autocannon({
        ...common,
        connections: CONNECTIONS - TILL_CONNECTIONS,
        ...(READ_RATE ? { connectionRate: READ_RATE } : {}),
        requests: [
          { method: 'GET', path: '/api/v1/auth/me', headers: bearer },
          { method: 'GET', path: `/api/v1/users/${targetUserId}`, headers: bearer },
          { method: 'GET', path: '/api/v1/users?limit=20', headers: bearer },
        ],
      }),
      autocannon({
        ...common,
        connections: TILL_CONNECTIONS,
        url: `${gw.url}/api/v1/auth/pin-login`,
        method: 'POST',
        // Each connection is one till: its own credential and cashier's PIN for the whole run.
        setupClient: (client) => {
          const till = tills[assigned++ % tills.length]!;
          client.setHeadersAndBody({ 'content-type': 'application/json', authorization: till.auth }, till.body);
          client.on('response', (status: number) => void (pinStatuses[String(status)] = (pinStatuses[String(status)] ?? 0) + 1));
        },
      }),
    ]);

    const outcome = (r: autocannon.Result) => ({ errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count ?? 0])) });
    reportCounts(ctx, {
      loadConnections: CONNECTIONS,
      loadSeconds: SECONDS,
      loadRequests: reads.requests.total + logins.requests.total,
      loadReadsPerSecond: Math.round(reads.requests.average),
      loadReadLatencyP50Ms: reads.latency.p50,
      loadReadLatencyP99Ms: reads.latency.p99,
      loadPinLoginsPerSecond: Math.round(logins.requests.average),
      loadPinLoginLatencyP50Ms: logins.latency.p50,
      loadPinLoginLatencyP99Ms: logins.latency.p99,
      loadErrors: reads.errors + logins.errors,
      loadTimeouts: reads.timeouts + logins.timeouts,
      loadNon2xx: reads.non2xx + logins.non2xx,
      loadNote: `PIN_BCRYPT_COST=4; ${CONNECTIONS - TILL_CONNECTIONS} reader connections (${READ_RATE ? `${READ_RATE} req/s each` : 'closed loop'}) + ${TILL_CONNECTIONS} till connections (closed loop); gateway, emulator and load generator in 3 processes; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`,
      loadPinLoginStatuses: JSON.stringify(pinStatuses),
    });
    expect(outcome(reads)).toEqual({ errors: 0, timeouts: 0, non2xx: 0, statuses: { '200': reads.requests.total } });
    expect(outcome(logins)).toEqual({ errors: 0, timeouts: 0, non2xx: 0, statuses: { '200': logins.requests.total } });
    expect(reads.requests.total).toBeGreaterThan(CONNECTIONS - TILL_CONNECTIONS);
    expect(logins.requests.total).toBeGreaterThan(TILL_CONNECTIONS);
    // Still healthy afterwards.
    expect((await call(gw.url, 'GET', '/health/ready')).status).toBe(200);
  });
});
