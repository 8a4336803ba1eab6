/**
 * Test fixtures that put users and sessions straight into an emulator's state, so that suites
 * exercising client permissions do not depend on the Users API. The session secret works with
 * `client.setSession(secret)` exactly like one from `users.createSession`.
 */
import { randomBytes } from 'node:crypto';
import { Client, TablesDB } from 'node-appwrite';
import type { TestEmulator } from './emulator.js';
import { isoNow, sha256, uniqueId } from '../../emulator/util.js';
import type { UserRecord } from '../../emulator/state.js';

export interface ClientUser {
  user: UserRecord;
  /** Session secret for `Client.setSession`. */
  secret: string;
  client: Client;
  tablesDB: TablesDB;
}

/** Creates a user (optionally with labels) and a live session; returns an SDK client acting as that user. */
export function createClientUser(emu: TestEmulator, opts: { id?: string; labels?: string[]; email?: string } = {}): ClientUser {
  const now = isoNow();
  const id = opts.id ?? uniqueId();
  const user: UserRecord = {
    $id: id,
    $createdAt: now,
    $updatedAt: now,
    name: id,
    email: opts.email ?? `${id}@example.com`,
    phone: '',
    status: true,
    labels: opts.labels ?? [],
    prefs: {},
    emailVerification: false,
    phoneVerification: false,
    mfa: false,
    registration: now,
    passwordUpdate: '',
    accessedAt: now,
    password: null,
    hash: null,
    hashOptions: {},
  };
  const secret = randomBytes(32).toString('hex');
  const state = emu.emulator.state;
  state.users.set(id, user);
  const sessionId = uniqueId();
  state.sessions.set(sessionId, {
    $id: sessionId,
    $createdAt: now,
    $updatedAt: now,
    userId: id,
    secretHash: sha256(secret),
    expire: isoNow(Date.now() + 3600_000),
    provider: 'server',
    ip: '127.0.0.1',
    userAgent: 'vitest',
    factors: [],
  });
  const client = emu.guestClient().setSession(secret);
  return { user, secret, client, tablesDB: new TablesDB(client) };
}

/** A TablesDB service acting as a guest (no credentials). */
export function guestTablesDB(emu: TestEmulator): TablesDB {
  return new TablesDB(emu.guestClient());
}
