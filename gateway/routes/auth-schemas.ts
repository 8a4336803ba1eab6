/**
 * Request and response schemas of `/api/v1/auth/*` (zod with OpenAPI metadata).
 * @module
 */
import { z } from '../openapi.js';

export const LoginBody = z
  .object({
    email: z.email().max(320).openapi({ example: 'manager@demo.tillgate.local' }),
    password: z.string().min(1).max(256).openapi({ format: 'password' }),
  })
  .strict()
  .openapi('LoginRequest');

export const StaffSchema = z
  .object({ userId: z.string(), storeId: z.string(), role: z.string(), displayName: z.string(), isActive: z.boolean() })
  .openapi('StaffProfile');

export const RoleSummary = z.object({ name: z.string(), title: z.string(), level: z.number().int() }).openapi('RoleSummary');

export const UserSummary = z
  .object({ id: z.string(), email: z.string(), name: z.string(), labels: z.array(z.string()) })
  .openapi('UserSummary');

export const LoginResponse = z
  .object({
    user: UserSummary,
    session: z.object({ id: z.string(), expire: z.string().openapi({ description: 'ISO-8601 UTC' }) }),
    jwt: z.string().openapi({ description: 'Appwrite JWT: `Authorization: Bearer <jwt>` for the gateway, `client.setJWT(jwt)` for Appwrite.' }),
    jwtExpire: z.string().openapi({ description: 'ISO-8601 UTC; JWTs last 900 s' }),
    staff: StaffSchema.nullable(),
    role: RoleSummary.nullable(),
    permissions: z.array(z.string()),
  })
  .openapi('LoginResponse');

export const MeResponse = z
  .object({
    user: UserSummary,
    sessionId: z.string().nullable(),
    staff: StaffSchema,
    role: RoleSummary,
    stores: z.array(z.string()).openapi({ description: 'Store ids; `["*"]` for a global role' }),
    permissions: z.array(z.string()),
  })
  .openapi('Me');

export const SessionSchema = z
  .object({ id: z.string(), current: z.boolean(), createdAt: z.string(), expire: z.string(), provider: z.string(), ip: z.string(), clientName: z.string() })
  .openapi('Session');

export const SessionList = z.object({ total: z.number().int(), sessions: z.array(SessionSchema) }).openapi('SessionList');

export const SessionIdParam = z.object({ sessionId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/) });

export const RevokeQuery = z.object({ scope: z.enum(['others', 'all']).openapi({ description: '`others`: every session but this one; `all`: log out all devices' }) });

export const RevokedResponse = z.object({ revoked: z.number().int() }).openapi('Revoked');
