/**
 * `defineTable()`: the typed, zod-validated shape of one Appwrite table of the `pos` database.
 * A definition that breaks an Appwrite rule fails at import time, naming the table and the rule,
 * so `npm run setup`, `appwrite.json`, the emulator and the MariaDB mirror never see it.
 *
 * Column shape = Appwrite CLI 12 `appwrite.json` columns
 * `{ key, type, required, array, size, default, min, max, format, elements }` with `type` one of
 * `string` (`format` email | url | ip | enum), `integer`, `double`, `boolean`, `datetime`: the
 * CLI cannot create 1.9's varchar/text columns (DESIGN.md "Appwrite facts"). Tillgate adds two
 * flags the CLI ignores: `secret` (never mirrored to MariaDB, never audited; issue 8) and
 * `money` (integer minor units).
 * @module
 */
import * as z from 'zod';
import { RESERVED_COLUMN_NAMES, toSnakeCase } from '../core/mirror/schema.js';

/**
 * Appwrite custom id / key rule (Appwrite `CustomId`/`Key` validators): at most 36 characters of
 * `a-z A-Z 0-9 . - _`, not starting with a special character.
 */
export const appwriteIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/, 'must be 1-36 chars of a-z, A-Z, 0-9, ".", "-", "_", not starting with a special char');

/** Appwrite user label rule: `[A-Za-z0-9]`, 1-36 characters. */
export const labelSchema = z.string().regex(/^[A-Za-z0-9]{1,36}$/, 'labels are 1-36 chars of A-Z, a-z, 0-9');

/** Permission roles Tillgate uses (Appwrite `Role`: any, users, guests, user:<id>, team:<id>, label:<name>). */
const ROLE = String.raw`(?:any|guests|users(?:/(?:verified|unverified))?|label:[A-Za-z0-9]{1,36}|user:[A-Za-z0-9][A-Za-z0-9._-]{0,35}|team:[A-Za-z0-9][A-Za-z0-9._-]{0,35}(?:/[A-Za-z0-9._-]+)?)`;
/** Appwrite permission string, e.g. `read("users")`, `create("label:cashier")`. */
export const permissionSchema = z
  .string()
  .regex(new RegExp(`^(?:read|create|update|delete|write)\\("${ROLE}"\\)$`), 'must be an Appwrite permission like read("label:admin")');

/** Appwrite's largest string column, characters (1 GiB). */
const MAX_STRING_SIZE = 1_073_741_824;
/** Appwrite 64-bit signed integer bounds, as far as a JS number holds them exactly. */
const INT_MIN = Number.MIN_SAFE_INTEGER;
const INT_MAX = Number.MAX_SAFE_INTEGER;

const base = {
  key: appwriteIdSchema,
  required: z.boolean(),
  array: z.boolean().default(false),
  secret: z.boolean().optional(),
  description: z.string().max(512).optional(),
};

const stringColumn = z.object({
  ...base,
  type: z.literal('string'),
  size: z.number().int().min(1).max(MAX_STRING_SIZE),
  format: z.enum(['email', 'url', 'ip', 'enum']).optional(),
  elements: z.array(z.string().min(1).max(255)).min(1).max(100).optional(),
  default: z.string().nullable().optional(),
});
const integerColumn = z.object({
  ...base,
  type: z.literal('integer'),
  min: z.number().int().min(INT_MIN).max(INT_MAX).optional(),
  max: z.number().int().min(INT_MIN).max(INT_MAX).optional(),
  default: z.number().int().nullable().optional(),
  money: z.boolean().optional(),
});
const doubleColumn = z.object({
  ...base,
  type: z.literal('double'),
  min: z.number().optional(),
  max: z.number().optional(),
  default: z.number().nullable().optional(),
});
const booleanColumn = z.object({ ...base, type: z.literal('boolean'), default: z.boolean().nullable().optional() });
const datetimeColumn = z.object({ ...base, type: z.literal('datetime'), default: z.iso.datetime().nullable().optional() });

/** One column, discriminated by `type`. */
export const columnSchema = z
  .discriminatedUnion('type', [stringColumn, integerColumn, doubleColumn, booleanColumn, datetimeColumn])
  .superRefine((c, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', message: `column "${c.key}": ${message}` });
    const hasDefault = c.default !== undefined && c.default !== null;
    // Appwrite: "Cannot set default value for required attribute" / "for array attributes".
    if (hasDefault && c.required) bad('a required column cannot have a default (Appwrite rule)');
    if (hasDefault && c.array) bad('an array column cannot have a default (Appwrite rule)');
    if (c.key.startsWith('$')) bad('keys starting with "$" are Appwrite system fields');
    if (RESERVED_COLUMN_NAMES.has(toSnakeCase(c.key))) bad(`maps onto the reserved mirror column "${toSnakeCase(c.key)}"`);
    if (c.type === 'string') {
      if (c.format === 'enum') {
        if (c.elements === undefined) bad('an enum needs elements');
        else {
          if (new Set(c.elements).size !== c.elements.length) bad('enum elements must be distinct');
          if (hasDefault && !c.elements.includes(c.default as string)) bad('the default is not one of the elements');
          if (Math.max(...c.elements.map((e) => e.length)) > c.size) bad('size is shorter than the longest element');
        }
      } else if (c.elements !== undefined) bad('elements are only for format "enum"');
      if (hasDefault && (c.default as string).length > c.size) bad('the default is longer than size');
    }
    if (c.type === 'integer' || c.type === 'double') {
      if (c.min !== undefined && c.max !== undefined && c.min > c.max) bad('min exceeds max');
      if (hasDefault) {
        const d = c.default as number;
        if ((c.min !== undefined && d < c.min) || (c.max !== undefined && d > c.max)) bad('the default is outside [min, max]');
      }
    }
    if (/Minor$/.test(c.key) && !(c.type === 'integer' && c.money === true)) {
      bad('a *Minor key holds money: type integer with money: true (minor units, never floating point)');
    }
  });

/** One index: `key` (lookup), `unique` or `fulltext` over one or more columns. */
export const indexSchema = z.object({
  key: appwriteIdSchema,
  type: z.enum(['key', 'unique', 'fulltext']),
  columns: z.array(appwriteIdSchema).min(1).max(8),
  orders: z.array(z.enum(['ASC', 'DESC'])).optional(),
});

/** One Appwrite table of the `pos` database, with how its MariaDB mirror handles deletes. */
export const tableSchema = z
  .object({
    $id: appwriteIdSchema,
    name: z.string().min(1).max(128),
    rowSecurity: z.boolean(),
    permissions: z.array(permissionSchema),
    columns: z.array(columnSchema).min(1),
    indexes: z.array(indexSchema).default([]),
    mirror: z.object({ deletes: z.enum(['hard', 'soft']) }),
    description: z.string().max(1024).optional(),
  })
  .superRefine((t, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (t.$id === 'users') bad('"users" is reserved for the Appwrite users mirror');
    const keys = new Set<string>();
    const snake = new Set<string>();
    for (const c of t.columns) {
      if (keys.has(c.key)) bad(`duplicate column "${c.key}"`);
      if (snake.has(toSnakeCase(c.key))) bad(`column "${c.key}" collides with another after snake_case`);
      keys.add(c.key);
      snake.add(toSnakeCase(c.key));
    }
    const indexKeys = new Set<string>();
    for (const i of t.indexes) {
      if (indexKeys.has(i.key)) bad(`duplicate index "${i.key}"`);
      indexKeys.add(i.key);
      for (const col of i.columns) if (!keys.has(col)) bad(`index "${i.key}" names unknown column "${col}"`);
      if (i.orders !== undefined && i.orders.length !== i.columns.length) bad(`index "${i.key}": one order per column`);
    }
    if (new Set(t.permissions).size !== t.permissions.length) bad('duplicate permission');
  });

export type TableInput = z.input<typeof tableSchema>;
export type TableDefinition = z.output<typeof tableSchema>;
export type ColumnDefinition = z.output<typeof columnSchema>;
export type IndexDefinition = z.output<typeof indexSchema>;
export type ColumnType = ColumnDefinition['type'];
/** An Appwrite permission string, e.g. `read("label:admin")`. */
export type Permission = string;

/**
 * Validates a table definition and returns it frozen.
 * @throws Error naming the table and every broken rule (at import time of the table's file).
 */
export function defineTable(input: TableInput): TableDefinition {
  const parsed = tableSchema.safeParse(input);
  if (!parsed.success) {
    const id = typeof input.$id === 'string' ? input.$id : '(unknown)';
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(table)'}: ${i.message}`);
    throw new Error(`Invalid table definition "${id}":\n  - ${lines.join('\n  - ')}`);
  }
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** Labels projected from Tillgate roles (DESIGN.md "RBAC"; issue 5 role model). */
export const LABEL = { superadmin: 'superadmin', admin: 'admin', manager: 'manager', cashier: 'cashier' } as const;

/** `label:<name>` role strings, highest first, for "this role and above". */
export const ADMINS = [LABEL.superadmin, LABEL.admin] as const;
export const MANAGERS_UP = [LABEL.superadmin, LABEL.admin, LABEL.manager] as const;
export const CASHIERS_UP = [LABEL.superadmin, LABEL.admin, LABEL.manager, LABEL.cashier] as const;

/** Builds `action("label:x")` permission strings: `perm('read', ADMINS)` → `['read("label:superadmin")', …]`. */
export function perm(action: 'read' | 'create' | 'update' | 'delete', labels: readonly string[]): Permission[] {
  return labels.map((l) => `${action}("label:${l}")`);
}
