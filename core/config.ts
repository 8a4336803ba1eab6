/**
 * Tillgate's configuration: one zod schema, parsed once at start by each composition root
 * (`gateway/main.ts`, `functions/_runtime`, `scripts/*`). Defaults live here and nowhere else.
 * An invalid or missing variable fails at boot with every bad key listed, never its value.
 * `.env.example` is checked against {@link configSchema} by `core/config.test.ts`.
 * @module
 */
import * as z from 'zod';
import { ConfigError } from './errors.js';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));
const url = (protocols: readonly string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL with protocol ${protocols.join(' or ')}`);

/** Every variable Tillgate reads, with its default. Units are in the name (`_MS`, `_SECONDS`, `_BYTES`). */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    /** Gateway listener. */
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: int(0, 65535).default(8080),
    /** Comma-separated allowed CORS origins; empty = no cross-origin access. */
    CORS_ORIGINS: list.default([]),
    /** Largest request body accepted, bytes (default 1 MiB). */
    BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
    /** Grace period for in-flight requests and event deliveries on SIGINT/SIGTERM, ms. */
    SHUTDOWN_GRACE_MS: int(0, 120_000).default(10_000),

    /** Appwrite. Unset endpoint = the embedded emulator is started (the embedded default). */
    APPWRITE_ENDPOINT: url(['http:', 'https:']).optional(),
    APPWRITE_PROJECT_ID: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/).default('tillgate'),
    APPWRITE_API_KEY: z.string().min(1).optional(),
    APPWRITE_DATABASE_ID: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/).default('pos'),
    /** Embedded emulator: port (0 = any free port) and data file (`:memory:` keeps state in memory only). */
    EMULATOR_PORT: int(0, 65535).default(8090),
    EMULATOR_DATA_FILE: z.string().min(1).default('.data/emulator.json'),

    /** Tillgate's own MariaDB database (mirror, audit log, migrations). */
    MARIADB_URL: url(['mysql:', 'mariadb:']).default('mysql://root@127.0.0.1:3306/tillgate'),
    MARIADB_POOL_SIZE: int(1, 200).default(10),
    /** Redis for lockout and rate-limit counters, JWT cache, revocation epochs. */
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    REDIS_KEY_PREFIX: z.string().max(64).default('tillgate:'),

    /** Secret key of the PIN lookup index HMAC-SHA256(PIN_PEPPER, storeId:pin); at least 32 chars. */
    PIN_PEPPER: z.string().min(32).optional(),
    /** bcrypt cost for PIN hashes (default 10, ~94 ms per verification on 2 cores; see README). */
    PIN_BCRYPT_COST: int(4, 15).default(10),
    /** Worker threads verifying PIN hashes (unset = one per CPU core). */
    PIN_HASHER_THREADS: int(1, 64).optional(),
    PIN_MIN_LENGTH: int(4, 8).default(4),
    PIN_MAX_LENGTH: int(4, 8).default(8),
    /** Comma-separated PINs refused in addition to the built-in weak-PIN rules. */
    PIN_DENY_LIST: list.default([]),
    /** Lifetime of the Appwrite token a PIN login returns, seconds (Appwrite: 60 s to 1 year). */
    PIN_TOKEN_TTL_SECONDS: int(60, 3600).default(60),

    /** Requests per client address and auth route per 60 s window (OWASP ASVS 5.0 V6.3.1 anti-automation). */
    AUTH_RATE_LIMIT: int(1, 100_000).default(10),
    /** Requests per user (or address) per 60 s window on other API routes. */
    API_RATE_LIMIT: int(1, 1_000_000).default(600),

    /** Password-login lockout (PCI DSS v4 8.3.4: at most 10 attempts, locked >= 30 min). */
    LOGIN_MAX_FAILURES: int(1, 10).default(5),
    LOGIN_LOCKOUT_SECONDS: int(60, 86_400).default(1800),

    /** Key that signs audit chain checkpoints (HMAC-SHA256); at least 32 chars. */
    AUDIT_CHECKPOINT_KEY: z.string().min(32).optional(),
    /** Entries older than this move to the compressed archive (PCI DSS 10.5.1: 3 months hot). */
    AUDIT_HOT_DAYS: int(1, 3650).default(90),
    AUDIT_ARCHIVE_DIR: z.string().min(1).default('.data/audit-archive'),
    /** Where the `audit` function keeps entries, fsync'd, while MariaDB is down (written by its next execution). */
    AUDIT_SPOOL_DIR: z.string().min(1).default('.data/audit-spool'),
    /** Where the `mirror` function keeps dead letters while MariaDB is down (`npm run mirror:replay` ingests them). */
    MIRROR_SPOOL_DIR: z.string().min(1).default('.data/mirror-spool'),

    /** Period of the embedded stack's mirror reconciliation, seconds (0 disables). */
    RECONCILE_INTERVAL_SECONDS: int(0, 86_400).default(300),

    /** Seeds a demo store into an empty database when the embedded stack starts. */
    SEED_DEMO: bool.default(true),
  })
  .superRefine((c, ctx) => {
    if (c.APPWRITE_ENDPOINT !== undefined && c.APPWRITE_API_KEY === undefined) {
      ctx.addIssue({ code: 'custom', path: ['APPWRITE_API_KEY'], message: 'is required when APPWRITE_ENDPOINT is set' });
    }
    if (c.PIN_MIN_LENGTH > c.PIN_MAX_LENGTH) {
      ctx.addIssue({ code: 'custom', path: ['PIN_MIN_LENGTH'], message: 'must not exceed PIN_MAX_LENGTH' });
    }
    if (c.NODE_ENV === 'production') {
      for (const key of ['PIN_PEPPER', 'AUDIT_CHECKPOINT_KEY'] as const) {
        if (c[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' });
      }
    }
  });

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Names of every variable the schema knows. */
export const CONFIG_KEYS: readonly string[] = Object.keys(configSchema.shape);

/**
 * Parses the environment into a frozen {@link Config}.
 * Empty strings count as unset, as in most dotenv loaders.
 * @throws ConfigError listing every bad key and why (values are never echoed: they may be secrets).
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const input: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return Object.freeze(parsed.data);
}
