/**
 * Recording audit entries from route handlers: fills in what the request knows (request id,
 * client address, user agent, the authenticated actor) and appends through the audit appender
 * (hash-chained, acknowledged only once committed: infra/audit/appender.ts).
 * @module
 */
import type { Context } from 'hono';
import type { AuditEntryInput } from '../core/audit/index.js';
import type { GatewayEnv } from './env.js';
import { clientAddress } from './middleware/rate-limit.js';

/** The producer's part of an entry; `actor` defaults to the authenticated user. */
export type AuditRecord = Omit<AuditEntryInput, 'actor'> & { actor?: AuditEntryInput['actor'] };

function defaults(c: Context<GatewayEnv>, rec: AuditRecord): AuditEntryInput {
  const user = c.get('user');
  const principal = c.get('principal');
  const actor =
    rec.actor ??
    (user
      ? { type: 'user' as const, id: user.actor.userId, role: user.profile.role, displayName: user.profile.displayName }
      : principal?.kind === 'terminal'
        ? { type: 'terminal' as const, id: principal.terminalId }
        : { type: 'system' as const, id: 'anonymous' });
  const ip = clientAddress(c);
  const ua = c.req.header('user-agent');
  return {
    ...rec,
    actor,
    requestId: c.get('requestId'),
    ...(/^[0-9a-fA-F:.]+$/.test(ip) ? { ip: ip.replace(/^::ffff:/, '') } : {}),
    ...(ua ? { userAgent: ua.slice(0, 512) } : {}),
  };
}

/**
 * Appends an entry and waits for it to be committed.
 * @throws AppError DEPENDENCY_UNAVAILABLE when MariaDB cannot store it (an administrative action
 *   then fails rather than go unaudited).
 */
export async function audit(c: Context<GatewayEnv>, rec: AuditRecord): Promise<void> {
  const appender = c.get('services')?.audit;
  if (!appender) return;
  await appender.append(defaults(c, rec));
}

/** Like {@link audit} but never throws: for entries about a request that is failing anyway. */
export async function auditQuietly(c: Context<GatewayEnv>, rec: AuditRecord): Promise<void> {
  try {
    await audit(c, rec);
  } catch (err) {
    c.get('log').error({ err, action: rec.action }, 'audit entry could not be stored');
  }
}
