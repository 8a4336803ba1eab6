/**
 * The stack the HTTP benchmarks (bench/gateway.ts, bench/memory.ts) drive: the Appwrite emulator
 * and the gateway, each in its own process so that the load generator (autocannon, in the bench
 * process) never shares an event loop with a server it measures; a scratch MariaDB database and a
 * scratch Redis key prefix, both removed by `stop()`. If the bench process exits or is stopped by
 * SIGINT/SIGTERM before `stop()`, the servers are killed with it (the scratch data then stays).
 *
 * Servers print `url: …` (or the emulator's `endpoint: …`) on stdout when they listen;
 * {@link startServer} waits for that line.
 * @module
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { TABLES } from '../../collections/index.js';
import { createAppwriteAdmin, type AppwriteAdmin } from '../../infra/appwrite.js';
import { migrate } from '../../infra/migrate.js';
import { syncSchema } from '../../infra/schema-sync/sync.js';
import { createStaff } from '../../infra/staff/directory.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const MARIADB_SERVER = process.env.MARIADB_BENCH_URL ?? 'mysql://root@127.0.0.1:3306';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Server {
  child: ChildProcess;
  /** The values the server printed as `key: value` lines until `ready` matched (e.g. `url`). */
  printed: Record<string, string>;
}

export interface StartServerOptions {
  /** Extra `node` arguments before the script (e.g. another `--import`). */
  nodeArgs?: string[];
  args?: string[];
  env?: Record<string, string>;
  /** The printed key that means "listening" (default `url`). */
  ready?: string;
  /** `'ipc'` adds an IPC channel (for bench/lib/memory-probe.ts). */
  ipc?: boolean;
  /**
   * Run the script's compiled JavaScript from {@link COMPILED_DIR} with plain `node`, as the
   * Dockerfile runs the gateway (`node dist/gateway/main.js`), instead of the TypeScript source
   * under tsx. Call {@link buildCompiled} first.
   */
  compiled?: boolean;
  timeoutMs?: number;
}

/** Where {@link buildCompiled} writes the compiled project and bench servers (gitignored `.data/`). */
export const COMPILED_DIR = join(ROOT, '.data', 'bench-build');

/**
 * Compiles the production sources plus the bench servers and the memory probe into
 * {@link COMPILED_DIR} with the project's own TypeScript (`bench/tsconfig.compiled.json`, which
 * extends the production `tsconfig.build.json`), about 7 s.
 * @throws Error with tsc's output when the build fails.
 */
export function buildCompiled(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const out = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'bench', 'tsconfig.compiled.json')], { cwd: ROOT, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`tsc -p bench/tsconfig.compiled.json failed:\n${out.stdout}${out.stderr}`);
}

/** The path of `script` (a path from the repository root, `.ts`) compiled into {@link COMPILED_DIR}. */
export function compiledPath(script: string): string {
  return join(COMPILED_DIR, script.replace(/\.ts$/, '.js'));
}

/**
 * Starts `node --import tsx <script>` (or, with `compiled`, `node <compiled script>`) from the
 * repository root and resolves once it printed the `ready` key. Its stderr is passed through.
 * @throws Error when the process exits or the timeout (default 60 s) passes first.
 */
export function startServer(script: string, options: StartServerOptions = {}): Promise<Server> {
  const stdio: StdioOptions = options.ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'];
  const entry = options.compiled ? [...(options.nodeArgs ?? []), compiledPath(script)] : ['--import', 'tsx', ...(options.nodeArgs ?? []), join(ROOT, script)];
  const child = spawn(process.execPath, [...entry, ...(options.args ?? [])], { cwd: ROOT, env: { ...process.env, ...options.env }, stdio });
  const ready = options.ready ?? 'url';
  return new Promise((resolve, reject) => {
    const printed: Record<string, string> = {};
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not print '${ready}:' within ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready`));
    };
    child.once('exit', onExit);
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /^(\w+): (.*)$/.exec(line.trim());
        if (m) printed[m[1]!] = m[2]!;
        if (m?.[1] === ready) {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve({ child, printed });
        }
      }
    });
  });
}

/** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
export async function stopServer(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface BenchStack {
  appwrite: { endpoint: string; projectId: string; apiKey: string };
  admin: AppwriteAdmin;
  mariaUrl: string;
  redisPrefix: string;
  /** The environment a gateway process of this stack needs (bench/servers/gateway.ts reads it). */
  gatewayEnv: Record<string, string>;
  /** Starts bench/servers/gateway.ts against this stack. */
  startGateway(options?: Pick<StartServerOptions, 'nodeArgs' | 'ipc' | 'compiled'>): Promise<Server & { url: string }>;
  /** Registers more processes for `stop()` to end. */
  onStop(...children: ChildProcess[]): void;
  /** Stops every server started here, drops the database and deletes the Redis keys. */
  stop(): Promise<void>;
}

/**
 * Starts the emulator (own process, in memory), syncs `collections/` into it and migrates a
 * scratch MariaDB database. Rate limits are raised out of the way (the benches measure the
 * request path, not the limiter's refusals; the limiter still counts every request).
 */
export async function startBenchStack(): Promise<BenchStack> {
  const servers: ChildProcess[] = [];
  // A bench stopped from outside (the runner's timeout, Ctrl-C) takes its servers with it.
  process.once('exit', () => {
    for (const c of servers) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
  const emulator = await startServer('emulator/cli.ts', { args: ['--port', '0'], ready: 'apiKey' });
  servers.push(emulator.child);
  const appwrite = { endpoint: emulator.printed.endpoint!, projectId: emulator.printed.project!, apiKey: emulator.printed.apiKey! };
  const admin = createAppwriteAdmin(appwrite);
  await syncSchema({ tablesDB: admin.tablesDB, databaseId: 'pos', tables: TABLES });
  const db = `tg_bench_${randomBytes(4).toString('hex')}`;
  const mariaUrl = `${MARIADB_SERVER.replace(/\/$/, '')}/${db}`;
  await migrate({ url: mariaUrl });
  const redisPrefix = `tg_bench:${randomBytes(4).toString('hex')}:`;
  const gatewayEnv = {
    MARIADB_URL: mariaUrl, REDIS_URL, REDIS_KEY_PREFIX: redisPrefix, AUTH_RATE_LIMIT: '100000', API_RATE_LIMIT: '1000000',
    PIN_PEPPER: 'b'.repeat(40), AUDIT_CHECKPOINT_KEY: 'c'.repeat(40),
    BENCH_APPWRITE_ENDPOINT: appwrite.endpoint, BENCH_APPWRITE_PROJECT: appwrite.projectId, BENCH_APPWRITE_KEY: appwrite.apiKey,
  };
  return {
    appwrite, admin, mariaUrl, redisPrefix, gatewayEnv,
    async startGateway(options = {}) {
      const s = await startServer('bench/servers/gateway.ts', { ...options, env: gatewayEnv });
      servers.push(s.child);
      return { ...s, url: s.printed.url! };
    },
    onStop(...children) {
      servers.push(...children);
    },
    async stop() {
      await Promise.all(servers.map((c) => stopServer(c)));
      const c = await mysql.createConnection(MARIADB_SERVER);
      await c.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await c.end();
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      for (let cursor = '0'; ;) {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        if ((cursor = next) === '0') break;
      }
      await redis.quit();
    },
  };
}

export interface BenchUser {
  userId: string;
  /** An Appwrite JWT of a fresh session, valid for `durationS`. */
  jwt: string;
}

/** Creates a staff member (Appwrite user, labels, profile) with a session and an Appwrite JWT. */
export async function createBenchUser(admin: AppwriteAdmin, staff: { email: string; name: string; role: string; storeId: string }, durationS = 3600): Promise<BenchUser> {
  const s = await createStaff(admin, 'pos', { ...staff, password: 'bench password 1' });
  const session = await admin.users.createSession({ userId: s.userId });
  const { jwt } = await admin.users.createJWT({ userId: s.userId, sessionId: session.$id, duration: durationS });
  return { userId: s.userId, jwt };
}
