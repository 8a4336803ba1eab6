/**
 * Schemas of `/api/v1/users/*`.
 * @module
 */
import { z } from '../openapi.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/, 'an Appwrite id: 1-36 of a-z A-Z 0-9 . - _');
const roleName = z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'a role name');

export const UserIdParam = z.object({ id });

export const StaffUser = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.string(),
    storeId: z.string(),
    active: z.boolean(),
    lastLoginAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('StaffUser');

export const UserListQuery = z.object({
  role: roleName.optional(),
  storeId: id.optional(),
  status: z.enum(['active', 'inactive']).optional(),
  search: z.string().min(1).max(64).optional().openapi({ description: 'Matches the display name or email (substring)' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: id.optional().openapi({ description: 'Id of the last user of the previous page (cursor pagination)' }),
  page: z.coerce.number().int().min(1).max(10_000).optional().openapi({ description: 'Page number (page pagination; ignored with cursor)' }),
});

export const UserList = z
  .object({ total: z.number().int(), users: z.array(StaffUser), nextCursor: z.string().nullable() })
  .openapi('StaffUserList');

export const CreateUserBody = z
  .object({
    email: z.email().max(320),
    name: z.string().trim().min(1).max(128),
    role: roleName,
    storeId: id,
    password: z.string().min(8).max(256).optional().openapi({ description: 'At least 8 characters (OWASP ASVS 5.0 V6.2.1); omit for PIN-only staff' }),
  })
  .strict()
  .openapi('CreateUser');

export const UpdateUserBody = z
  .object({ name: z.string().trim().min(1).max(128).optional(), role: roleName.optional(), storeId: id.optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one of name, role, storeId')
  .openapi('UpdateUser');

export const StatusBody = z.object({ active: z.boolean() }).strict().openapi('UserStatus');

export const PasswordBody = z
  .object({ password: z.string().min(8).max(256), currentPassword: z.string().min(1).max(256).optional() })
  .strict()
  .openapi('SetPassword');

export const DeleteQuery = z.object({ hard: z.enum(['true', 'false']).default('false').openapi({ description: '`true`: erase the user (SuperAdmin only); default: deactivate' }) });
