/**
 * Integration harness for the gateway: a fresh emulator with the `pos` schema, a fresh MariaDB
 * database (migrated), a unique Redis key prefix, and the gateway in-process on a free port,
 * all real. Helpers create staff members and log them in through the gateway.
 */
import { Writable } from 'node:stream';
import { TABLES } from '../../collections/index.js';
import { parseConfig, type Config } from '../../core/config.js';
import { createAppwriteAdmin, type AppwriteAdmin } from '../../infra/appwrite.js';
import { createLogger } from '../../infra/logger.js';
import { migrate } from '../../infra/migrate.js';
import { syncSchema } from '../../infra/schema-sync/sync.js';
import { createStaff } from '../../infra/staff/directory.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { startTestEmulator, type TestEmulator } from './emulator.js';
import { createTestDatabase, type TestDatabase } from './mariadb.js';
import { createTestRedis, type TestRedis } from './redis.js';
import { openBrowser } from './web-sdk.js';

export interface StaffLogin {
  userId: string;
  email: string;
  password: string;
  role: string;
  storeId: string;
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestGateway {
  emu: TestEmulator;
  db: TestDatabase;
  redis: TestRedis;
  admin: AppwriteAdmin;
  config: Config;
  gateway: RunningGateway;
  /** Every log line the gateway wrote (JSON strings). */
  logs: string[];
  createStaff(s: { role: string; storeId?: string; email?: string; password?: string; name?: string }): Promise<StaffLogin>;
  /** Logs in through `POST /api/v1/auth/login`; returns the JWT. */
  login(s: Pick<StaffLogin, 'email' | 'password'>): Promise<string>;
  /**
   * Logs in directly at Appwrite, as the POS app does, through the real `appwrite` web SDK
   * (`account.createEmailPasswordSession` + `account.createJWT`): no gateway involved.
   * @returns the JWT (900 s) and the id of the session it belongs to.
   */
  loginJwt(email: string, password: string): Promise<{ jwt: string; sessionId: string }>;
  request<T = Record<string, unknown>>(method: string, path: string, opts?: { jwt?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiAnswer<T>>;
  /** Stops the gateway and starts a new one on the same emulator, Redis prefix and database. */
  restart(overrides?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const emu = await startTestEmulator();
  const db = await createTestDatabase('tg_gw');
  const redis = await createTestRedis();
  const admin = createAppwriteAdmin({ endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey });
  await syncSchema({ tablesDB: admin.tablesDB, databaseId: 'pos', tables: TABLES });
  await migrate({ url: db.url });
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', service: 'gateway-test', destination: new Writable({ write: (chunk: Buffer, _enc, cb) => { logs.push(chunk.toString()); cb(); } }) });
  const makeConfig = (overrides: Record<string, string> = {}) =>
    parseConfig({ NODE_ENV: 'test', PORT: '0', MARIADB_URL: db.url, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, PIN_PEPPER: 'test-pepper-'.padEnd(40, 'x'), AUDIT_CHECKPOINT_KEY: 'test-checkpoint-key-'.padEnd(40, 'y'), PIN_BCRYPT_COST: '4', AUTH_RATE_LIMIT: '10000', API_RATE_LIMIT: '100000', ...env, ...overrides });
  let config = makeConfig();
  const connection = { endpoint: emu.endpoint, projectId: emu.projectId, apiKey: emu.apiKey };
  let gateway = await startGateway(config, connection, log);

  const h: TestGateway = {
    emu,
    db,
    redis,
    admin,
    get config() {
      return config;
    },
    get gateway() {
      return gateway;
    },
    logs,
    async createStaff(s) {
      const n = ++counter;
      const email = s.email ?? `${s.role}${n}@example.com`;
      const password = s.password ?? `pw-${s.role}-${n}-long-enough`;
      const storeId = s.storeId ?? 'store-a';
      const rec = await createStaff(admin, 'pos', { email, password, name: s.name ?? `${s.role} ${n}`, role: s.role, storeId });
      return { userId: rec.userId, email, password, role: s.role, storeId };
    },
    async login(s) {
      const res = await h.request<{ jwt: string }>('POST', '/api/v1/auth/login', { body: { email: s.email, password: s.password } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.jwt;
    },
    async loginJwt(email, password) {
      // The web SDK keeps its session in window.localStorage: give it its own window for the
      // duration of the login and put back whatever a test had installed.
      const g = globalThis as unknown as { window?: unknown };
      const previous = g.window;
      try {
        const browser = openBrowser(emu.endpoint, emu.projectId);
        const session = await browser.account.createEmailPasswordSession({ email, password });
        const { jwt } = await browser.account.createJWT();
        return { jwt, sessionId: session.$id };
      } finally {
        if (previous === undefined) delete g.window;
        else g.window = previous;
      }
    },
    async request(method, path, opts = {}) {
      const res = await fetch(`${gateway.url}${path}`, {
        method,
        headers: { ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...(opts.jwt ? { authorization: `Bearer ${opts.jwt}` } : {}), ...opts.headers },
        ...(opts.body === undefined ? {} : { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }),
      });
      const text = await res.text();
      const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
      return { status: res.status, headers: res.headers, body: (isJson && text ? JSON.parse(text) : text ? { text } : {}) as never };
    },
    async restart(overrides) {
      await gateway.stop();
      config = makeConfig(overrides);
      gateway = await startGateway(config, connection, log);
    },
    async stop() {
      await gateway.stop();
      await emu.stop();
      await db.drop();
      await redis.cleanup();
    },
  };
  return h;
}
