/**
 * pino JSON logging with redaction. Every PIN, password, token, secret, JWT, API key and
 * `x-appwrite-key` header is replaced by `[REDACTED]` wherever it appears in the paths below
 * (OWASP ASVS 5.0 V16.2.5: logs must not hold credentials). Callers log through a child logger
 * carrying `requestId` (gateway) or `executionId` (functions).
 * @module
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** Field names whose values never reach a log line, at any of the depths in {@link REDACT_PATHS}. */
export const SECRET_KEYS = [
  'pin', 'newPin', 'currentPin', 'managerPin', 'oldPin',
  'password', 'newPassword', 'currentPassword', 'oldPassword',
  'secret', 'token', 'jwt', 'apiKey', 'key', 'hash', 'pinHash', 'pinIndex', 'credential', 'credentialHash',
  'code', 'enrollmentCode', 'approvalToken', 'authorization', 'cookie', 'set-cookie',
  'x-appwrite-key', 'x-appwrite-jwt', 'x-appwrite-session', 'x-fallback-cookies', 'x-terminal-secret',
  'x-approval-token',
] as const;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const k of SECRET_KEYS) {
    const seg = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
    const join = (prefix: string) => (seg.startsWith('[') ? `${prefix}${seg}` : `${prefix}.${seg}`);
    paths.push(seg.startsWith('[') ? seg.slice(2, -2) : seg);
    paths.push(join('*'));
    paths.push(join('*.*'));
    paths.push(join('req.headers'));
    paths.push(join('headers'));
  }
  return paths;
}

/** The redaction paths given to pino (fast-redact syntax). */
export const REDACT_PATHS: readonly string[] = redactPaths();

export interface LoggerOptions {
  level: string;
  service: string;
  /** Where lines go; default stdout. Tests pass a stream to inspect lines. */
  destination?: DestinationStream;
}

/** Creates the root logger of a process. Child loggers inherit the redaction. */
export function createLogger({ level, service, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };
