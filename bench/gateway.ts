/**
 * `npx tsx bench/gateway.ts` (or `npm run bench:gateway`): the gateway's authenticated read
 * `GET /api/v1/auth/me` (JWT cached, RBAC checked) against
 *  (a) the limit: a bare Hono route answering the same JSON, and
 *  (b) the peer: Express + jsonwebtoken + a role middleware (bench/peers/express-gateway.ts),
 * each server in its own process, driven by autocannon (50 connections) from this process,
 * alternating rounds so machine drift cancels out. Writes bench/results/gateway.json.
 * Goals: issue 5, ≥ 70% of the bare route; issue 10, ≥ 2× the Express peer; p99 for all three.
 * Needs MariaDB and Redis (as the tests do); the Appwrite emulator runs in this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import mysql from 'mysql2/promise';
import { TABLES } from '../collections/index.js';
import { createAppwriteAdmin } from '../infra/appwrite.js';
import { migrate } from '../infra/migrate.js';
import { syncSchema } from '../infra/schema-sync/sync.js';
import { createStaff } from '../infra/staff/directory.js';
import { startEmulator } from '../emulator/server.js';
import { alternate, figure, writeResult } from './lib/report.js';

const ROOT = join(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;

function startServer(script: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /url: (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
}

async function load(url: string, token: string): Promise<{ rps: number; p99: number; errors: number }> {
  const r = await autocannon({ url: `${url}/api/v1/auth/me`, connections: CONNECTIONS, duration: SECONDS, headers: { authorization: `Bearer ${token}` } });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

const db = `tg_bench_${randomBytes(4).toString('hex')}`;
const mariaUrl = `mysql://root@127.0.0.1:3306/${db}`;
const prefix = `tg_bench:${randomBytes(4).toString('hex')}:`;
const emu = await startEmulator({ port: 0 });
const admin = createAppwriteAdmin({ endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey });
await syncSchema({ tablesDB: admin.tablesDB, databaseId: 'pos', tables: TABLES });
await migrate({ url: mariaUrl });
const staff = await createStaff(admin, 'pos', { email: 'bench.manager@example.com', password: 'bench password 1', name: 'Bench Manager', role: 'manager', storeId: 'store-a' });
const session = await admin.users.createSession({ userId: staff.userId });
const appwriteJwt = (await admin.users.createJWT({ userId: staff.userId, sessionId: session.$id, duration: 3600 })).jwt;

const servers: ChildProcess[] = [];
try {
  const gateway = await startServer('bench/servers/gateway.ts', {
    MARIADB_URL: mariaUrl, REDIS_KEY_PREFIX: prefix, AUTH_RATE_LIMIT: '100000', API_RATE_LIMIT: '1000000', PIN_PEPPER: 'b'.repeat(40), AUDIT_CHECKPOINT_KEY: 'c'.repeat(40),
    BENCH_APPWRITE_ENDPOINT: emu.endpoint, BENCH_APPWRITE_PROJECT: emu.projectId, BENCH_APPWRITE_KEY: emu.apiKey,
  });
  servers.push(gateway.child);
  const me = await (await fetch(`${gateway.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${appwriteJwt}` } })).text();
  if (!me.includes(staff.userId)) throw new Error(`gateway did not authenticate: ${me}`);
  const secret = randomBytes(32).toString('hex');
  const peerToken = jwt.sign({ sub: staff.userId, role: 'manager' }, secret, { algorithm: 'HS256', expiresIn: 3600 });
  const bare = await startServer('bench/servers/bare-hono.ts', { BENCH_BODY: me });
  servers.push(bare.child);
  const express = await startServer('bench/peers/express-gateway.ts', { BENCH_BODY: me, BENCH_SECRET: secret });
  servers.push(express.child);

  const p99: Record<string, number[]> = { gateway: [], bare: [], express: [] };
  const errors: Record<string, number> = { gateway: 0, bare: 0, express: 0 };
  const run = (name: string, url: string, token: string) => async () => {
    const r = await load(url, token);
    p99[name]!.push(r.p99);
    errors[name]! += r.errors;
    return r.rps;
  };
  await load(gateway.url, appwriteJwt); // warm-up: JIT and caches
  const rps = await alternate(ROUNDS, { gateway: run('gateway', gateway.url, appwriteJwt), bare: run('bare', bare.url, appwriteJwt), express: run('express', express.url, peerToken) });
  const g = figure(rps.gateway, 'req/s');
  const b = figure(rps.bare, 'req/s');
  const e = figure(rps.express, 'req/s');
  const file = writeResult({
    name: 'gateway',
    method: `autocannon, ${CONNECTIONS} connections, ${SECONDS} s per round, ${ROUNDS} alternating rounds; each server in its own process; GET /api/v1/auth/me with a cached Appwrite JWT (gateway) vs the same JSON from a bare Hono route (limit) and from Express + jsonwebtoken + role middleware (peer)`,
    figures: {
      gatewayRps: g, bareHonoRps: b, expressPeerRps: e,
      gatewayP99: figure(p99.gateway!, 'ms'), bareHonoP99: figure(p99.bare!, 'ms'), expressPeerP99: figure(p99.express!, 'ms'),
    },
    goals: [
      { description: 'gateway ≥ 70% of the bare Hono route (issue 5)', met: g.median >= 0.7 * b.median, measured: `${Math.round((100 * g.median) / b.median)}%` },
      { description: 'gateway ≥ 2× the Express + jsonwebtoken peer (issue 10)', met: g.median >= 2 * e.median, measured: `${(g.median / e.median).toFixed(2)}×` },
      { description: 'no errors or non-2xx answers', met: errors.gateway === 0 && errors.bare === 0 && errors.express === 0, measured: JSON.stringify(errors) },
    ],
  });
  process.stdout.write(`gateway ${Math.round(g.median)} req/s, bare ${Math.round(b.median)}, express ${Math.round(e.median)} → ${file}\n`);
} finally {
  for (const s of servers) s.kill('SIGTERM');
  await emu.stop();
  const c = await mysql.createConnection('mysql://root@127.0.0.1:3306');
  await c.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await c.end();
}
process.exit(0);
