/**
 * Deployment metadata of Tillgate's Appwrite Functions: the single source for `appwrite.json`
 * (`npm run appwrite:json`) and for registering the functions in the embedded emulator.
 * Fields follow the Appwrite CLI 12 function entry; events use Appwrite's event patterns
 * (DESIGN.md: both row event families fire for every write; subscribing to the tables/rows
 * family is enough, and a function runs once per write).
 * @module
 */

export interface FunctionDeployment {
  $id: string;
  name: string;
  /** Appwrite runtime id. */
  runtime: 'node-22';
  /** Roles allowed to execute over HTTP (`any`, `users`, …); empty = API keys and events only. */
  execute: string[];
  events: string[];
  /** Scopes of the per-execution `x-appwrite-key`. */
  scopes: string[];
  /** CRON schedule, '' for none. */
  schedule: string;
  /** Seconds. */
  timeout: number;
  /** Variables the deployment must set (names only; values are secrets of the deployment). */
  variables: string[];
  description: string;
}

/** User events after which a user's cached JWTs must be verified again (`rbac-guard`, session-ended.ts). */
const ACCESS_ENDED_EVENTS = ['users.*.sessions.*.delete', 'users.*.update.status', 'users.*.delete'];

const ROW_EVENTS = ['databases.pos.tables.*.rows.*.create', 'databases.pos.tables.*.rows.*.update', 'databases.pos.tables.*.rows.*.upsert', 'databases.pos.tables.*.rows.*.delete'];

export const FUNCTIONS: readonly FunctionDeployment[] = Object.freeze([
  {
    $id: 'pin-login',
    name: 'PIN login',
    runtime: 'node-22',
    execute: ['any'],
    events: [],
    scopes: ['users.read', 'users.write', 'sessions.write', 'rows.read', 'rows.write'],
    schedule: '',
    timeout: 15,
    variables: ['MARIADB_URL', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'PIN_PEPPER', 'PIN_BCRYPT_COST', 'AUDIT_CHECKPOINT_KEY'],
    description: 'Staff PIN login from an enrolled terminal (terminal-authenticated inside), with lockout; returns an Appwrite token.',
  },
  {
    $id: 'rbac-guard',
    name: 'RBAC guard',
    runtime: 'node-22',
    execute: [],
    events: [...ROW_EVENTS.filter((e) => !e.endsWith('.delete')), ...ACCESS_ENDED_EVENTS],
    scopes: ['rows.read', 'rows.write', 'users.read'],
    schedule: '',
    timeout: 15,
    variables: ['MARIADB_URL', 'AUDIT_CHECKPOINT_KEY', 'REDIS_URL', 'REDIS_KEY_PREFIX'],
    description: 'Reverts row writes that break rules Appwrite permissions cannot express, and records the denial; revokes cached JWTs when a session ends or a user is blocked or deleted outside the gateway.',
  },
  {
    $id: 'audit',
    name: 'Audit',
    runtime: 'node-22',
    execute: [],
    events: ['users.*', ...ROW_EVENTS],
    scopes: ['users.read', 'rows.read', 'rows.write'],
    schedule: '',
    timeout: 15,
    variables: ['MARIADB_URL', 'AUDIT_CHECKPOINT_KEY'],
    description: 'Records changes made outside the gateway (console edits, direct SDK writes) in the hash-chained audit log.',
  },
  {
    $id: 'mirror',
    name: 'Mirror',
    runtime: 'node-22',
    execute: [],
    events: ['users.*', ...ROW_EVENTS],
    scopes: ['users.read', 'rows.read'],
    schedule: '',
    timeout: 60,
    variables: ['MARIADB_URL'],
    description: 'Change-data-capture of Appwrite users and rows into typed MariaDB tables, idempotent, with a dead-letter queue.',
  },
] satisfies FunctionDeployment[]);
