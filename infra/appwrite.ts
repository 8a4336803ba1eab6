/**
 * The Appwrite adapter: server clients built once from config, JWT verification through
 * `account.get()`, and the single place that turns an `AppwriteException` into an
 * {@link AppError} (reference/model-codebases.md §6.6).
 * @module
 */
import { Account, AppwriteException, Client, Functions, TablesDB, Users } from 'node-appwrite';
import { AppError } from '../core/errors.js';

export interface AppwriteConnection {
  /** Endpoint including `/v1`. */
  endpoint: string;
  projectId: string;
  /** Server API key; see README "Key scopes" for the scopes Tillgate needs. */
  apiKey: string;
}

export interface AppwriteAdmin {
  readonly connection: AppwriteConnection;
  readonly client: Client;
  readonly users: Users;
  readonly tablesDB: TablesDB;
  readonly functions: Functions;
  /** An Account service acting as the holder of `jwt` (for `account.get`, sessions). */
  accountForJwt(jwt: string): Account;
  /** An Account service acting as a guest (email/password login). */
  guestAccount(): Account;
}

/** Builds the admin clients once (composition root). */
export function createAppwriteAdmin(connection: AppwriteConnection): AppwriteAdmin {
  const client = new Client().setEndpoint(connection.endpoint).setProject(connection.projectId).setKey(connection.apiKey);
  const bare = () => new Client().setEndpoint(connection.endpoint).setProject(connection.projectId);
  return {
    connection,
    client,
    users: new Users(client),
    tablesDB: new TablesDB(client),
    functions: new Functions(client),
    accountForJwt: (jwt) => new Account(bare().setJWT(jwt)),
    guestAccount: () => new Account(bare()),
  };
}

/** True when `e` is an Appwrite error answer of `type` (or any of `types`). */
export function isAppwriteError(e: unknown, ...types: string[]): e is AppwriteException {
  return e instanceof AppwriteException && (types.length === 0 || types.includes(e.type));
}

/** Network-level failures: the SDK rejects with a TypeError/`fetch failed` and no HTTP code. */
export function isUpstreamDown(e: unknown): boolean {
  if (e instanceof AppwriteException) return e.code === 0 || e.code >= 500;
  return e instanceof TypeError || (e instanceof Error && /fetch failed|ECONNREFUSED|ECONNRESET|socket hang up/i.test(e.message));
}

/**
 * Maps an Appwrite failure to Tillgate's envelope: 404 → NOT_FOUND, 409 → CONFLICT, 400 →
 * VALIDATION_FAILED, unreachable or 5xx → UPSTREAM_UNAVAILABLE, and our own key's 401/403 →
 * UPSTREAM_UNAVAILABLE (a misconfiguration, not the caller's fault). The Appwrite message goes
 * to `cause` only.
 */
export function toAppError(e: unknown, what = 'resource'): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof AppwriteException) {
    if (e.code === 404) return new AppError('NOT_FOUND', `The ${what} was not found.`, { cause: e });
    if (e.code === 409) return new AppError('CONFLICT', `The ${what} already exists or conflicts with another.`, { cause: e });
    if (e.code === 400) return new AppError('VALIDATION_FAILED', `Appwrite rejected the ${what}: ${e.type}.`, { cause: e });
    if (e.code === 429) return new AppError('RATE_LIMITED', 'Appwrite is rate limiting requests.', { cause: e, retryAfterSeconds: 60 });
  }
  if (isUpstreamDown(e) || e instanceof AppwriteException) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'Appwrite is unavailable or refused our credentials.', { cause: e });
  }
  return new AppError('INTERNAL', 'Unexpected Appwrite failure.', { cause: e });
}
