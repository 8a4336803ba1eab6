/**
 * `POST /api/v1/auth/pin-login` (terminal-authenticated, `{ pin }` or `{ staffId, pin }`):
 * HMAC lookup of the PIN in the terminal's store (one indexed query, no scan, no plaintext) →
 * atomic lockout reservation for the staff member and the terminal (never keyed by IP: tills
 * share NAT with guest Wi-Fi) → one bcrypt verification on the worker pool → Appwrite token
 * (`users.createToken`, 64 hex characters, `PIN_TOKEN_TTL_SECONDS`) that the POS exchanges with
 * `account.createSession(userId, secret)`. A previous operator's open terminal session is ended
 * (quick switch). Redis down → 503 (fail closed: the lockout is never skipped).
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../../core/errors.js';
import { pinLogin, sessionEnder } from '../../infra/pin/pin-login.js';
import { audit, auditQuietly } from '../audit.js';
import type { GatewayEnv } from '../env.js';
import type { GatewayMetrics } from '../metrics.js';
import type { TerminalPrincipal } from '../principal.js';
import { createRouter, defineRoute, z } from '../openapi.js';
import { userServices } from './users-access.js';

const Body = z
  .object({ pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits').openapi({ format: 'password' }), staffId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/).optional() })
  .strict()
  .openapi('PinLogin');
const Answer = z
  .object({
    userId: z.string(),
    secret: z.string().openapi({ description: 'Appwrite token secret: `account.createSession({ userId, secret })`, single use' }),
    expire: z.string(),
    staff: z.object({ userId: z.string(), storeId: z.string(), role: z.string(), displayName: z.string(), isActive: z.boolean() }),
    role: z.object({ name: z.string(), title: z.string(), level: z.number().int() }),
    permissions: z.array(z.string()),
    terminalPolicy: z.object({ idleLockMinutes: z.number().int(), lockAfterSale: z.boolean(), allowedRoles: z.array(z.string()) }),
  })
  .openapi('PinLoginResult');

const route = defineRoute({ kind: 'terminal' }, {
  method: 'post', path: '/auth/pin-login', tags: ['auth'],
  summary: 'Staff PIN login on an enrolled terminal',
  description: 'Errors: 401 PIN_INVALID; 429 PIN_LOCKED (5 consecutive failures of one staff member) or TERMINAL_LOCKED (10 failures on one terminal within 15 min), with Retry-After; 403 FORBIDDEN (role not allowed on this terminal, deactivated staff); 503 when Redis is down.',
  request: { body: { content: { 'application/json': { schema: Body } }, required: true } },
  responses: { 200: { description: 'Token for account.createSession', content: { 'application/json': { schema: Answer } } } },
});

export function pinLoginRoutes(metrics: GatewayMetrics): OpenAPIHono<GatewayEnv> {
  const app = createRouter();
  app.openapi(route, async (c) => {
    const s = userServices(c);
    const pins = c.get('services')?.pins;
    if (!pins || !s.lockout) throw new AppError('INTERNAL', 'PIN login is not configured (PIN_PEPPER).');
    const terminal = c.get('principal') as TerminalPrincipal;
    const { pin, staffId } = c.req.valid('json');
    const result = await pinLogin(
      {
        appwrite: s.appwrite, databaseId: s.databaseId, lockout: s.lockout, hasher: pins.hasher, pepper: pins.pepper, tokenTtlSeconds: pins.tokenTtlSeconds, actors: s.actors,
        record: (entry) => audit(c, entry),
        recordQuietly: (entry) => auditQuietly(c, entry),
        onLock: (kind) => metrics.lockouts.inc({ kind: kind === 'terminal_pin' ? 'pin_terminal' : 'pin_staff' }),
        endSessions: sessionEnder(s.appwrite, (userId) => s.epochs!.bump(userId)),
      },
      terminal,
      pin,
      staffId,
    );
    // The staff row now has a new lastLoginAt: drop this gateway's cached copy (infra/actor-resolver.ts).
    s.actors.forgetStaff(result.userId);
    return c.json(result, 200);
  });
  return app;
}
