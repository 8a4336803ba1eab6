/**
 * Column definitions: the kinds the TablesDB API creates (`/columns/{kind}`), their parameters
 * and Appwrite's validation of them (`Columns/*\/Create.php`, `Update.php`).
 *
 * Limits (Appwrite 1.9): `string` size 1..1,073,741,824 chars; `varchar` size 1..16,381
 * (MariaDB's utf8mb4 VARCHAR limit); text types have a fixed size; integers default to the
 * JS-safe range (Appwrite uses PHP's 64-bit range, which JSON numbers cannot carry exactly);
 * floats default to ±1.7976931348623157e308 (PHP_FLOAT_MAX); enum elements 1..100, each 1..255 chars.
 * @module
 */
import { AppwriteError, invalidParam } from '../errors.js';
import { bool, int, reqStr, strArray, type Params } from '../params.js';
import type { ColumnFormat, ColumnRecord, ColumnType } from '../state.js';
import { isoNow, isValidUid } from '../util.js';
import { checkScalar } from './row-validation.js';

export const COLUMN_KINDS = ['string', 'varchar', 'text', 'mediumtext', 'longtext', 'integer', 'float', 'boolean', 'datetime', 'email', 'enum', 'ip', 'url'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export const isColumnKind = (v: string): v is ColumnKind => (COLUMN_KINDS as readonly string[]).includes(v);

const STRING_MAX = 1_073_741_824;
const VARCHAR_MAX = 16_381;
const FLOAT_MAX = 1.7976931348623157e308;

function storage(kind: ColumnKind): { type: ColumnType; format: ColumnFormat } {
  switch (kind) {
    case 'float':
      return { type: 'double', format: '' };
    case 'email':
    case 'enum':
    case 'ip':
    case 'url':
      return { type: 'string', format: kind };
    default:
      return { type: kind, format: '' };
  }
}

/** The API kind of a stored column (inverse of the storage mapping). */
export function kindOf(col: ColumnRecord): ColumnKind {
  if (col.format !== '') return col.format;
  if (col.type === 'double') return 'float';
  return col.type;
}

function num(p: Params, name: string, integer: boolean): number | undefined {
  if (integer) return int(p, name);
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidParam(name, 'Value must be a valid float');
  return n;
}

/** Validates `default` for a column and returns the stored default. */
function checkDefault(col: ColumnRecord, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (col.required) throw new AppwriteError('column_default_unsupported', 'Cannot set default value for required column');
  if (col.array) throw new AppwriteError('column_default_unsupported', 'Cannot set default value for array columns');
  const r = checkScalar(col, value);
  if (!r.ok) {
    if (col.format === 'enum') throw new AppwriteError('column_value_invalid', 'Default value not found in elements');
    if (col.type === 'integer' || col.type === 'double') {
      if (typeof value === 'number') throw new AppwriteError('column_value_invalid', 'Default value must be within range');
    }
    throw invalidParam('default', r.error.replace(/^Attribute "[^"]+" has invalid (type|format)\. /, ''));
  }
  return r.value;
}

/** Applies the kind-specific params (size, min/max, elements) of a create or update onto `col`. */
function applyKindParams(col: ColumnRecord, kind: ColumnKind, p: Params, creating: boolean): void {
  if (kind === 'string' || kind === 'varchar') {
    const max = kind === 'string' ? STRING_MAX : VARCHAR_MAX;
    const size = int(p, 'size', { min: 1, max, required: creating });
    if (size !== undefined) col.size = size;
  }
  if (kind === 'integer' || kind === 'float') {
    const integer = kind === 'integer';
    const min = num(p, 'min', integer) ?? (creating ? (integer ? Number.MIN_SAFE_INTEGER : -FLOAT_MAX) : col.min);
    const max = num(p, 'max', integer) ?? (creating ? (integer ? Number.MAX_SAFE_INTEGER : FLOAT_MAX) : col.max);
    if (min !== undefined && max !== undefined && min > max) throw new AppwriteError('column_value_invalid', 'Minimum value must be lesser than maximum value');
    col.min = min;
    col.max = max;
  }
  if (kind === 'enum') {
    const elements = strArray(p, 'elements', { required: creating, maxItems: 100, maxItemLength: 255 });
    if (elements !== undefined) {
      if (elements.length === 0 || elements.some((e) => e.length === 0)) throw invalidParam('elements', 'Value must be a valid array and at least 1 element');
      col.elements = [...new Set(elements)];
    }
  }
}

/**
 * Builds a column from create params (`key`, `required`, `default`, `array`, plus `size`,
 * `min`/`max`, `elements` by kind). Columns are `available` at once (Appwrite creates them
 * asynchronously; `status` is still reported so "wait until available" loops work).
 * @throws AppwriteError 400 `general_argument_invalid`, `column_default_unsupported`, `column_value_invalid`
 */
export function buildColumn(kind: ColumnKind, p: Params): ColumnRecord {
  const key = reqStr(p, 'key');
  if (!isValidUid(key)) {
    throw invalidParam('key', 'Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can\'t start with a special char');
  }
  const now = isoNow();
  const col: ColumnRecord = {
    key,
    ...storage(kind),
    status: 'available',
    error: '',
    required: bool(p, 'required', { required: true })!,
    array: bool(p, 'array') ?? false,
    default: null,
    $createdAt: now,
    $updatedAt: now,
  };
  applyKindParams(col, kind, p, true);
  col.default = checkDefault(col, p.default);
  return col;
}

/**
 * Applies update params (`required`, `default`, kind params) to a copy of `col`; `newKey` is
 * returned for the caller to rename data and indexes.
 * @throws AppwriteError 400 `column_type_invalid` when `kind` does not match the column's kind.
 */
export function updatedColumn(col: ColumnRecord, kind: ColumnKind, p: Params): { col: ColumnRecord; newKey?: string } {
  if (kindOf(col) !== kind) throw new AppwriteError('column_type_invalid', `Column "${col.key}" is of type ${kindOf(col)}, not ${kind}.`);
  const next: ColumnRecord = { ...col, elements: col.elements ? [...col.elements] : undefined };
  next.required = bool(p, 'required', { required: true })!;
  applyKindParams(next, kind, p, false);
  next.default = checkDefault(next, p.default);
  next.$updatedAt = isoNow();
  const newKey = typeof p.newKey === 'string' && p.newKey !== '' && p.newKey !== col.key ? p.newKey : undefined;
  if (newKey !== undefined && !isValidUid(newKey)) throw invalidParam('newKey', 'Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can\'t start with a special char');
  return { col: next, newKey };
}
