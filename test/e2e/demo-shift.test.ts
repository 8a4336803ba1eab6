/**
 * End to end (issue 9): the stack started as `npm start` starts it, in a fresh working directory
 * (private `.data/`), a fresh MariaDB database and Redis prefix, on free ports; `npm run demo`
 * against it as a separate process. The short shift passes and shows what a user checks (the
 * lockout and unlock, the refund approved by the manager); SIGTERM stops the stack gracefully
 * (exit 0); a restart on the same data finds the demo store seeded, the full shift passes on it
 * (the demo is re-runnable) and the first run's audit trail is still there. Without a stack, the
 * demo exits 2 and says to run `npm start`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.js';
import { createTestRedis, REDIS_SERVER_URL, type TestRedis } from '../support/redis.js';
import { runDemoProcess, startStack, type RunningStack } from './stack-process.js';

let db: TestDatabase;
let redis: TestRedis;
let cwd: string;
let stack: RunningStack | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase('tg_e2e');
  redis = await createTestRedis();
  cwd = mkdtempSync(join(tmpdir(), 'tillgate-e2e-'));
  env = { MARIADB_URL: db.url, REDIS_URL: REDIS_SERVER_URL, REDIS_KEY_PREFIX: redis.prefix, PORT: '0', EMULATOR_PORT: '0', PIN_BCRYPT_COST: '4', LOG_LEVEL: 'warn' };
  stack = await startStack(cwd, env);
}, 120_000);

afterAll(async () => {
  if (stack && stack.child.exitCode === null && stack.child.signalCode === null) {
    stack.child.kill('SIGKILL');
    await stack.exited;
  }
  await db?.drop();
  await redis?.cleanup();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

const urls = (s: RunningStack) => ['--gateway', s.gateway, '--appwrite', s.appwrite];

/** A TCP port nothing listens on (bound once by the OS, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('npm start + npm run demo', () => {
  it('seeds on the first start and runs the short shift: refund approved by the manager, lockout and unlock', async () => {
    expect(stack!.output()).toMatch(/Demo logins \(shown once; also in \.data\/demo-logins\.json/);
    const run = await runDemoProcess(cwd, ['--short', ...urls(stack!)]);
    expect(run.stderr, run.stdout).toBe('');
    expect(run.code, run.stdout).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/✓ refund refused\s+Demo Cashier may not refund alone: 403 INSUFFICIENT_PERMISSIONS/);
    expect(out).toMatch(/✓ refund approved\s+\S+ refunded \(-€6\.75\) by Demo Cashier, approved by Demo Manager/);
    expect(out).toMatch(/✓ 5 wrong PINs\s+Demo Cashier mistypes 5 times: 401 PIN_INVALID each/);
    expect(out).toMatch(/✓ PIN locked\s+now even the right PIN is refused: 429 PIN_LOCKED, Retry-After \d+ s/);
    expect(out).toMatch(/✓ manager unlocks\s+Demo Manager clears Demo Cashier's PIN lock/);
    expect(out).toMatch(/✓ back on the till\s+Demo Cashier: PIN → token/);
    expect(out).toMatch(/lockouts\s+1\n\s+Demo Cashier: 5 wrong PINs → PIN locked .*unlocked by Demo Manager/);
    expect(out).toMatch(/net takings\s+€0\.00/);
    expect(out).toMatch(/admin devices\s+2 sessions ended by "log out all devices"/);
    expect(out).toMatch(/^Demo passed: \d+ steps checked/m);
    // The shift's audit export is on disk, in the demo's working directory.
    const exports = readdirSync(join(cwd, '.data')).filter((f) => /^demo-shift-.+\.csv$/.test(f));
    expect(exports).toHaveLength(1);
    const csv = readFileSync(join(cwd, '.data', exports[0]!), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^seq,occurredAt,action,outcome/);
    expect(csv.some((l) => l.includes(',sale.refunded,'))).toBe(true);
  }, 120_000);

  it('tells the user where the logins come from when .data/demo-logins.json is missing (exit 2)', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'tillgate-e2e-nologins-'));
    try {
      const run = await runDemoProcess(elsewhere, ['--short', ...urls(stack!)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`No demo logins at ${join(elsewhere, '.data/demo-logins.json')}`);
      expect(run.stderr).toMatch(/written by `npm start`/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 60_000);

  it('exits 1 naming the step, the expectation and the answer when the stack answers unexpectedly', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'tillgate-e2e-badlogins-'));
    try {
      const logins = JSON.parse(readFileSync(join(cwd, '.data/demo-logins.json'), 'utf8')) as { logins: { role: string; password: string }[] };
      for (const l of logins.logins) if (l.role === 'manager') l.password = 'not-the-password';
      const file = join(elsewhere, 'logins.json');
      writeFileSync(file, JSON.stringify(logins));
      const run = await runDemoProcess(cwd, ['--short', '--logins', file, ...urls(stack!)]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/✗ manager signs in\s+expected 200, got 401 INVALID_CREDENTIALS: The email or password is wrong\. \(request \S+\)/);
      expect(run.stdout).not.toMatch(/Demo passed/);
      expect(run.stderr).toMatch(/demo FAILED at "manager signs in"/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 60_000);

  it('stops on SIGTERM with exit 0; restarted on the same data it keeps the store, and the full shift passes again', async () => {
    stack!.child.kill('SIGTERM');
    expect(await stack!.exited).toEqual({ code: 0, signal: null });

    stack = await startStack(cwd, env);
    expect(stack.output()).toMatch(/Demo store already seeded/);
    const run = await runDemoProcess(cwd, urls(stack));
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/✓ second cashier ready\s+Demo Cashier Two created/);
    expect(run.stdout).toMatch(/✓ quick switch\s+Demo Cashier Two: PIN → token/);
    expect(run.stdout).toMatch(/quick switch\s+Demo Cashier → Demo Cashier Two by PIN, no lock in between/);
    expect(run.stdout).toMatch(/sales\s+4, €16\.95/);

    // The first run's refund (before the restart) is still in the audit trail, next to this run's.
    const logins = JSON.parse(readFileSync(join(cwd, '.data/demo-logins.json'), 'utf8')) as { logins: { role: string; email: string; password: string; userId: string }[] };
    const admin = logins.logins.find((l) => l.role === 'admin')!;
    const manager = logins.logins.find((l) => l.role === 'manager')!;
    const login = await fetch(`${stack.gateway}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: admin.email, password: admin.password }) });
    expect(login.status).toBe(200);
    const { jwt } = (await login.json()) as { jwt: string };
    const refunds = await fetch(`${stack.gateway}/api/v1/audit?action=sale.refunded&store=store-demo`, { headers: { authorization: `Bearer ${jwt}` } });
    const body = (await refunds.json()) as { entries: { approver?: { id: string } }[] };
    expect(body.entries.map((e) => e.approver?.id)).toEqual([manager.userId, manager.userId]);

    stack.child.kill('SIGTERM');
    expect(await stack.exited).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('exits 2 and says to run `npm start` when no stack is running', async () => {
    const port = await freePort();
    const run = await runDemoProcess(cwd, ['--short', '--gateway', `http://127.0.0.1:${port}`, '--appwrite', `http://127.0.0.1:${port}/v1`]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Cannot reach the Tillgate gateway at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(run.stderr).toMatch(/Start it with `npm start` in another terminal/);
  }, 60_000);
});
