/**
 * The emulator's whole state, as plain serializable records. Routes mutate it and then call
 * `emu.changed()` so persistence can snapshot it. Secrets (session, token and key secrets)
 * are kept only as SHA-256 digests, as Appwrite does.
 * @module
 */

/** Password hashing algorithms Appwrite knows (`hash` field of the User model). */
export type HashAlgorithm = 'argon2' | 'bcrypt' | 'sha' | 'md5' | 'phpass' | 'scrypt' | 'scryptMod';

export interface UserRecord {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  name: string;
  email: string;
  phone: string;
  status: boolean;
  labels: string[];
  prefs: Record<string, unknown>;
  emailVerification: boolean;
  phoneVerification: boolean;
  mfa: boolean;
  registration: string;
  passwordUpdate: string;
  accessedAt: string;
  /** Password hash, or null for a user without a password. */
  password: string | null;
  hash: HashAlgorithm | null;
  hashOptions: Record<string, unknown>;
}

export interface SessionRecord {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  userId: string;
  /** SHA-256 of the session secret. */
  secretHash: string;
  /** ISO expiry. */
  expire: string;
  provider: 'email' | 'token' | 'server' | 'anonymous';
  ip: string;
  userAgent: string;
  factors: string[];
}

export interface TokenRecord {
  $id: string;
  $createdAt: string;
  userId: string;
  secretHash: string;
  expire: string;
}

export interface ApiKeyRecord {
  $id: string;
  name: string;
  /** SHA-256 of the key secret. */
  secretHash: string;
  scopes: string[];
  /** ISO expiry or null for none. */
  expire: string | null;
}

export type ColumnType = 'string' | 'varchar' | 'text' | 'mediumtext' | 'longtext' | 'integer' | 'double' | 'boolean' | 'datetime';
export type ColumnFormat = '' | 'email' | 'enum' | 'ip' | 'url';

export interface ColumnRecord {
  key: string;
  type: ColumnType;
  format: ColumnFormat;
  status: 'available' | 'processing' | 'deleting' | 'stuck' | 'failed';
  error: string;
  required: boolean;
  array: boolean;
  size?: number;
  min?: number;
  max?: number;
  elements?: string[];
  default: unknown;
  $createdAt: string;
  $updatedAt: string;
}

export interface IndexRecord {
  key: string;
  type: 'key' | 'unique' | 'fulltext' | 'spatial';
  status: 'available' | 'processing' | 'deleting' | 'stuck' | 'failed';
  error: string;
  columns: string[];
  lengths: (number | null)[];
  orders: ('ASC' | 'DESC' | null)[];
  $createdAt: string;
  $updatedAt: string;
}

export interface RowRecord {
  $id: string;
  /** Insertion sequence; serialized as a string, fixed at insert. */
  $sequence: number;
  $createdAt: string;
  $updatedAt: string;
  $permissions: string[];
  data: Record<string, unknown>;
}

export interface TableRecord {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  name: string;
  enabled: boolean;
  rowSecurity: boolean;
  $permissions: string[];
  columns: ColumnRecord[];
  indexes: IndexRecord[];
  nextSequence: number;
  rows: Map<string, RowRecord>;
}

export interface DatabaseRecord {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  name: string;
  enabled: boolean;
  type: 'tablesdb' | 'legacy';
  tables: Map<string, TableRecord>;
}

export interface ExecutionRecord {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  $permissions: string[];
  functionId: string;
  deploymentId: string;
  trigger: 'http' | 'schedule' | 'event';
  status: 'waiting' | 'processing' | 'completed' | 'failed' | 'scheduled';
  requestMethod: string;
  requestPath: string;
  requestHeaders: { name: string; value: string }[];
  responseStatusCode: number;
  responseBody: string;
  responseHeaders: { name: string; value: string }[];
  logs: string;
  errors: string;
  duration: number;
  scheduledAt?: string;
}

export interface EmulatorState {
  users: Map<string, UserRecord>;
  sessions: Map<string, SessionRecord>;
  tokens: Map<string, TokenRecord>;
  apiKeys: Map<string, ApiKeyRecord>;
  databases: Map<string, DatabaseRecord>;
  executions: Map<string, ExecutionRecord>;
  /** Secret that signs the emulator's JWTs (HS256); Appwrite signs with its OpenSSL key. */
  jwtSecret: string;
}

/** An empty state. */
export function createState(jwtSecret: string): EmulatorState {
  return {
    users: new Map(),
    sessions: new Map(),
    tokens: new Map(),
    apiKeys: new Map(),
    databases: new Map(),
    executions: new Map(),
    jwtSecret,
  };
}
