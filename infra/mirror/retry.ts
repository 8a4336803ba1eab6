/**
 * Transient-failure classification and exponential backoff for mirror writes.
 *
 * Transient (worth retrying): the server cannot be reached or went away (ECONNREFUSED,
 * ECONNRESET, ETIMEDOUT, EPIPE, PROTOCOL_CONNECTION_LOST, a closed connection, server
 * shutdown 1053, too many connections 1040/1203, connection killed 1927), deadlocks (1213) and
 * lock wait timeouts (1205), as MariaDB's documentation advises re-running the transaction for
 * them. A missing column or table (1054/1146) is a schema change in progress: the caller
 * refreshes its catalog and retries once. Anything else (bad data) is permanent.
 * @module
 */

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'PROTOCOL_PACKETS_OUT_OF_ORDER',
  'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_TOO_MANY_USER_CONNECTIONS', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT',
  'ER_CONNECTION_KILLED', 'ER_QUERY_INTERRUPTED', 'ER_NET_READ_ERROR', 'ER_NET_WRITE_INTERRUPTED',
]);
const TRANSIENT_ERRNOS = new Set([1040, 1053, 1077, 1152, 1153, 1158, 1159, 1160, 1161, 1203, 1205, 1213, 1317, 1927, 2002, 2003, 2006, 2013]);
const SCHEMA_ERRNOS = new Set([1054, 1146]);

function field(e: unknown, name: string): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[name] : undefined;
}

/** True when retrying the same write later can succeed (see module doc for the list). */
export function isTransientDbError(e: unknown): boolean {
  const code = field(e, 'code');
  const errno = field(e, 'errno');
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  if (typeof errno === 'number' && TRANSIENT_ERRNOS.has(errno)) return true;
  if (field(e, 'fatal') === true) return true;
  const message = e instanceof Error ? e.message : '';
  // A pool closed by its owner is a shutdown, not an outage.
  if (/Pool is closed/.test(message)) return false;
  return /connection is in closed state|Connection lost|ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up/i.test(message);
}

/** True for "unknown column" / "no such table": the live schema changed under the writer. */
export function isSchemaChangeError(e: unknown): boolean {
  const errno = field(e, 'errno');
  return typeof errno === 'number' && SCHEMA_ERRNOS.has(errno);
}

export interface BackoffPolicy {
  /** First delay, ms (default 100). */
  baseDelayMs: number;
  /** Largest delay, ms (default 5,000). */
  maxDelayMs: number;
  /** Attempts per change before it is dead-lettered (default 10). */
  maxAttempts: number;
  /** Longest time a change may wait for MariaDB before it is dead-lettered, ms (default 30,000: half the mirror function's 60 s timeout). */
  maxElapsedMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 100, maxDelayMs: 5000, maxAttempts: 10, maxElapsedMs: 30_000 };

/**
 * Delay before retry number `failures` (1-based): exponential with "full jitter" (AWS
 * Architecture Blog, "Exponential Backoff And Jitter"): uniform in [d/2, d], d = min(max, base·2^(n-1)).
 */
export function backoffDelayMs(policy: BackoffPolicy, failures: number, random: () => number = Math.random): number {
  const d = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(d / 2 + (d / 2) * random());
}

/** Error text kept in the dead-letter table: code and message, at most 2,000 characters. */
export function describeError(e: unknown): string {
  const code = field(e, 'code');
  const msg = e instanceof Error ? e.message : String(e);
  return `${typeof code === 'string' ? `${code}: ` : ''}${msg}`.slice(0, 2000);
}
