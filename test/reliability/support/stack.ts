/**
 * Pieces shared by the reliability suites: a gateway stack on a restartable emulator
 * ({@link startGatewayStack}), registering the data functions (`mirror`, `audit`) on an emulator
 * as the embedded stack does, JSON calls against any base URL, the error-envelope check, and wait
 * helpers.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { RowDataPacket } from 'mysql2';
import type { Pool } from 'mysql2/promise';
import type { Emulator } from '../../../emulator/emulator.js';
import { FUNCTIONS } from '../../../functions/definitions.js';
import { createAuditFunctionEntry } from '../../../functions/audit/main.js';
import { createMirrorEntry, type MirrorEntryOptions } from '../../../functions/mirror/main.js';
import { TABLES } from '../../../collections/index.js';
import { parseConfig, type Config } from '../../../core/config.js';
import { createAppwriteAdmin, type AppwriteAdmin } from '../../../infra/appwrite.js';
import { createLogger } from '../../../infra/logger.js';
import { migrate } from '../../../infra/migrate.js';
import { syncSchema } from '../../../infra/schema-sync/sync.js';
import { createStaff } from '../../../infra/staff/directory.js';
import { startGateway, type RunningGateway } from '../../../gateway/server.js';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';
import { startRestartableEmulator, type RestartableEmulator } from '../../support/restartable-emulator.js';

/** AUDIT_CHECKPOINT_KEY of every reliability stack (the same value test/support/gateway.ts uses). */
export const CHECKPOINT_KEY = 'test-checkpoint-key-'.padEnd(40, 'y');

/**
 * Registers `mirror` (dead letters spooled to a fresh temporary folder) and `audit` on `emu` with
 * the events, scopes and timeouts of functions/definitions.ts, writing to `mariadbUrl`.
 * @returns the spool folder of the mirror.
 */
export async function registerDataFunctions(emu: Emulator, mariadbUrl: string, mirror: MirrorEntryOptions = {}): Promise<{ spoolDir: string }> {
  const spoolDir = await mkdtemp(join(tmpdir(), 'tg-rel-spool-'));
  const handlers = { mirror: createMirrorEntry({ spoolDir, ...mirror }), audit: createAuditFunctionEntry() };
  for (const [id, handler] of Object.entries(handlers)) {
    const def = FUNCTIONS.find((f) => f.$id === id)!;
    emu.functions.register({ $id: def.$id, name: def.name, events: [...def.events], scopes: [...def.scopes], timeout: def.timeout, variables: { MARIADB_URL: mariadbUrl, AUDIT_CHECKPOINT_KEY: CHECKPOINT_KEY, LOG_LEVEL: 'silent' }, handler });
  }
  return { spoolDir };
}

/** `SELECT …` returning plain rows. */
export async function rows(pool: Pool, sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [r] = await pool.query<RowDataPacket[]>(sql, params);
  return r;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` every `everyMs` until it returns true or `timeoutMs` passes.
 * @returns how long it took, ms.
 * @throws Error naming `what` on timeout.
 */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * The error-envelope check shared by the suites (core/errors.ts): a 3xx-5xx answer must be JSON
 * `{ error: { code, message, requestId, details? } }` with nothing else, a known code whose status
 * is the answer's, and the requestId of the `X-Request-Id` header.
 * @param codes ERROR_CODES (code → HTTP status).
 * @returns what is wrong with the answer; [] for a correct one (and for every 2xx).
 */
export function envelopeProblems(status: number, contentType: string | undefined, text: string, requestIdHeader: string | undefined, codes: Record<string, number>): string[] {
  if (status < 300) return [];
  if (!(contentType ?? '').includes('application/json')) return [`${status} answer is ${contentType ?? 'without content type'}, not the JSON envelope: ${text.slice(0, 120)}`];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${status} answer is not JSON: ${text.slice(0, 120)}`];
  }
  const out: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(body) || Object.keys(body).join() !== 'error' || !isObj(body.error)) return [`${status} body is not { error: {…} }: ${text.slice(0, 160)}`];
  const e = body.error;
  const extra = Object.keys(e).filter((k) => !['code', 'message', 'requestId', 'details'].includes(k));
  if (extra.length) out.push(`envelope has extra keys ${extra.join(', ')}`);
  if (typeof e.code !== 'string' || !(e.code in codes)) out.push(`unknown code ${String(e.code)}`);
  else if (codes[e.code] !== status) out.push(`code ${e.code} belongs to ${codes[e.code]}, answered ${status}`);
  if (typeof e.message !== 'string' || e.message === '') out.push('message missing');
  if (typeof e.requestId !== 'string' || e.requestId === '') out.push('requestId missing');
  else if (requestIdHeader !== undefined && e.requestId !== requestIdHeader) out.push(`requestId ${e.requestId} differs from X-Request-Id ${requestIdHeader}`);
  if (e.details !== undefined && !isObj(e.details)) out.push('details is not an object');
  return out;
}

// ---------------------------------------------------------------------------------------------
// A gateway stack on a restartable emulator

/** PIN_PEPPER of every reliability stack (the same value test/support/gateway.ts uses). */
export const TEST_PEPPER = 'test-pepper-'.padEnd(40, 'x');

export interface StaffAccount {
  userId: string;
  email: string;
  password: string;
  role: string;
  storeId: string;
}

export interface GatewayStack {
  emu: RestartableEmulator;
  db: TestDatabase;
  redis: TestRedis;
  admin: AppwriteAdmin;
  /** The configuration the gateway runs with (`env` of {@link startGatewayStack} applied). */
  config: Config;
  /** Environment for a gateway child process with the same configuration (`startGatewayProcess`). */
  env: Record<string, string>;
  /** The in-process gateway (undefined with `inProcess: false`). */
  gateway: RunningGateway | undefined;
  logs: string[];
  createStaff(role: string, storeId?: string): Promise<StaffAccount>;
  stop(): Promise<void>;
}

let staffCounter = 0;

/**
 * The gateway configuration of the reliability suites: the given emulator, MariaDB database and
 * Redis prefix, the test PIN pepper and checkpoint key, PIN_BCRYPT_COST 4 and the rate limits
 * raised out of the way.
 */
export function gatewayTestEnv(emu: { endpoint: string; projectId: string; apiKey: string }, mariadbUrl: string, redis: { url: string; prefix: string }): Record<string, string> {
  return {
    NODE_ENV: 'test',
    APPWRITE_ENDPOINT: emu.endpoint,
    APPWRITE_PROJECT_ID: emu.projectId,
    APPWRITE_API_KEY: emu.apiKey,
    MARIADB_URL: mariadbUrl,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    PIN_PEPPER: TEST_PEPPER,
    AUDIT_CHECKPOINT_KEY: CHECKPOINT_KEY,
    PIN_BCRYPT_COST: '4',
    AUTH_RATE_LIMIT: '100000',
    API_RATE_LIMIT: '1000000',
  };
}

/**
 * The emulator (restartable, `pos` schema synced), a fresh migrated MariaDB database (or
 * `env.MARIADB_URL`), a Redis key prefix (on `env.REDIS_URL` if given) and, unless
 * `inProcess` is false, the gateway in this process. Rate limits are raised for tests;
 * PIN_BCRYPT_COST is 4.
 */
export async function startGatewayStack(env: Record<string, string> = {}, options: { inProcess?: boolean } = {}): Promise<GatewayStack> {
  const emu = await startRestartableEmulator();
  const db = await createTestDatabase('tg_rel');
  const redis = await createTestRedis();
  const admin = createAppwriteAdmin({ endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey });
  await syncSchema({ tablesDB: admin.tablesDB, databaseId: 'pos', tables: TABLES });
  const mariadbUrl = env.MARIADB_URL ?? db.url;
  await migrate({ url: mariadbUrl });
  const full: Record<string, string> = { ...gatewayTestEnv(emu, mariadbUrl, redis), LOG_LEVEL: 'warn', ...env };
  const config = parseConfig({ ...full, PORT: '0' });
  const logs: string[] = [];
  const log = createLogger({ level: 'warn', service: 'gateway-reliability', destination: new Writable({ write: (chunk: Buffer, _enc, cb) => { logs.push(chunk.toString()); cb(); } }) });
  const gateway = options.inProcess === false ? undefined : await startGateway(config, { endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey }, log);
  return {
    emu,
    db,
    redis,
    admin,
    config,
    env: full,
    gateway,
    logs,
    async createStaff(role, storeId = 'store-a') {
      const n = ++staffCounter;
      const email = `${role}${n}-${Date.now()}@example.com`;
      const password = `pw-${role}-${n}-long-enough`;
      const rec = await createStaff(admin, 'pos', { email, password, name: `${role} ${n}`, role, storeId });
      return { userId: rec.userId, email, password, role, storeId };
    },
    async stop() {
      await gateway?.stop();
      await emu.stop();
      await db.drop();
      await redis.cleanup();
    },
  };
}

/** JSON request helper against any base URL: `{ status, headers, body }` (body parsed when JSON). */
export async function call<T = Record<string, unknown>>(base: string, method: string, path: string, opts: { jwt?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Headers; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...(opts.jwt ? { authorization: `Bearer ${opts.jwt}` } : {}), ...opts.headers },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
  return { status: res.status, headers: res.headers, body: (isJson && text ? JSON.parse(text) : text ? { text } : {}) as T };
}

/** Logs in through the gateway; returns the JWT. @throws Error when the login is refused. */
export async function loginAt(base: string, s: { email: string; password: string }): Promise<string> {
  const res = await call<{ jwt: string }>(base, 'POST', '/api/v1/auth/login', { body: { email: s.email, password: s.password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.jwt;
}

/** Creates and enrolls a terminal through the gateway; returns its id and secret. */
export async function enrollTerminal(base: string, managerJwt: string, name: string, storeId = 'store-a'): Promise<{ id: string; secret: string; auth: string }> {
  const created = await call<{ enrollmentCode: string }>(base, 'POST', '/api/v1/terminals', { jwt: managerJwt, body: { storeId, name } });
  const enrolled = await call<{ terminalId: string; secret: string }>(base, 'POST', '/api/v1/terminals/enroll', { body: { code: created.body.enrollmentCode } });
  if (enrolled.status !== 200) throw new Error(`enrollment failed: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
  return { id: enrolled.body.terminalId, secret: enrolled.body.secret, auth: `Terminal ${enrolled.body.terminalId}:${enrolled.body.secret}` };
}
