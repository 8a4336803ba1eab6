/**
 * Row data validation against a table's columns, as utopia-php/database's `Structure` validator
 * does for Appwrite. Every failure answers 400 `row_invalid_structure` with Appwrite's wording,
 * e.g. `Invalid document structure: Unknown attribute: "x"`.
 * @module
 */
import { isIP } from 'node:net';
import { AppwriteError } from '../errors.js';
import type { ColumnRecord, TableRecord } from '../state.js';
import { toAppwriteDate } from '../util.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Appwrite's `Range` validator wording for a column's numeric bounds. */
const rangeText = (col: ColumnRecord) => `Value must be a valid range between ${(col.min ?? '-∞').toLocaleString('en-US')} and ${(col.max ?? '∞').toLocaleString('en-US')}`;

function charLength(s: string): number {
  // Appwrite counts characters (mb_strlen), not UTF-16 code units.
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function isUrl(s: string): boolean {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s]+$/.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks one non-null scalar value against a column.
 * @returns the stored value (datetimes normalized to Appwrite's format) or an error text.
 */
export function checkScalar(col: ColumnRecord, v: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  const type = (msg: string) => ({ ok: false as const, error: `Attribute "${col.key}" has invalid type. ${msg}` });
  const format = (msg: string) => ({ ok: false as const, error: `Attribute "${col.key}" has invalid format. ${msg}` });
  switch (col.type) {
    case 'string':
    case 'varchar':
    case 'text':
    case 'mediumtext':
    case 'longtext': {
      const max = col.size ?? (col.type === 'text' ? 65535 : col.type === 'mediumtext' ? 16777215 : 4294967295);
      if (typeof v !== 'string') return type(`Value must be a valid string and no longer than ${max} chars`);
      if (v.length > max && charLength(v) > max) return type(`Value must be a valid string and no longer than ${max} chars`);
      if (col.format === 'email' && !EMAIL.test(v)) return format('Value must be a valid email address');
      if (col.format === 'ip' && isIP(v) === 0) return format('Value must be a valid IP address');
      if (col.format === 'url' && !isUrl(v)) return format('Value must be a valid URL');
      if (col.format === 'enum' && !(col.elements ?? []).includes(v)) return format(`Value must be one of (${(col.elements ?? []).join(', ')})`);
      return { ok: true, value: v };
    }
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return type('Value must be a valid integer');
      if ((col.min !== undefined && v < col.min) || (col.max !== undefined && v > col.max)) return format(rangeText(col));
      return { ok: true, value: v };
    case 'double':
      if (typeof v !== 'number' || !Number.isFinite(v)) return type('Value must be a valid float');
      if ((col.min !== undefined && v < col.min) || (col.max !== undefined && v > col.max)) return format(rangeText(col));
      return { ok: true, value: v };
    case 'boolean':
      if (typeof v !== 'boolean') return type('Value must be a valid boolean');
      return { ok: true, value: v };
    case 'datetime': {
      const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? toAppwriteDate(v) : null;
      if (d === null) return format('Value must be valid date between 0000-01-01 00:00:00 and 9999-12-31 23:59:59.');
      return { ok: true, value: d };
    }
  }
}

function structureError(message: string): AppwriteError {
  return new AppwriteError('row_invalid_structure', `Invalid document structure: ${message}`);
}

function checkValue(col: ColumnRecord, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (col.array) {
    if (!Array.isArray(v)) throw structureError(`Attribute "${col.key}" must be an array`);
    return v.map((item, i) => {
      if (item === null) throw structureError(`Attribute "${col.key}[${i}]" has invalid type. Value must not be null`);
      const r = checkScalar(col, item);
      if (!r.ok) throw structureError(r.error);
      return r.value;
    });
  }
  if (Array.isArray(v)) throw structureError(`Attribute "${col.key}" must not be an array`);
  const r = checkScalar(col, v);
  if (!r.ok) throw structureError(r.error);
  return r.value;
}

/**
 * Validates row data for a table.
 * @param data the caller's data, system keys (`$...`) already removed.
 * @param existing the current data for a partial update (its values are kept where `data` has no key).
 * @returns the complete data to store: every column present, defaults applied on create.
 * @throws AppwriteError 400 `row_invalid_structure` for an unknown column, a missing required
 *   value, a wrong type, a too-long string, an out-of-range number or a bad format.
 */
export function validateRowData(table: TableRecord, data: Record<string, unknown>, existing?: Record<string, unknown>): Record<string, unknown> {
  const byKey = new Map(table.columns.map((c) => [c.key, c]));
  for (const k of Object.keys(data)) if (!byKey.has(k)) throw structureError(`Unknown attribute: "${k}"`);
  const out: Record<string, unknown> = {};
  for (const col of table.columns) {
    let v: unknown;
    if (Object.prototype.hasOwnProperty.call(data, col.key)) v = checkValue(col, data[col.key]);
    else if (existing) v = existing[col.key] ?? null;
    else v = col.default ?? null;
    if (col.required && (v === null || v === undefined)) throw structureError(`Missing required attribute "${col.key}"`);
    out[col.key] = v ?? null;
  }
  return out;
}
