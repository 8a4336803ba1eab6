/**
 * Appwrite's query language as `GET /users` accepts it: JSON query strings
 * (`{"method":"equal","attribute":"email","values":["a@b.c"]}`) on the attributes of Appwrite's
 * `Queries\Users` validator, plus the `search` parameter (full-text over id, email, phone and
 * name). Any bad query answers 400 `general_query_invalid`; a cursor naming no user answers
 * 400 `general_cursor_not_found`.
 * @module
 */
import { AppwriteError } from '../errors.js';
import type { UserRecord } from '../state.js';

/** Attributes a users query may name (Appwrite `Queries\Users::ALLOWED_ATTRIBUTES` + the base ones). */
const ATTRIBUTES = new Set([
  '$id', '$createdAt', '$updatedAt', 'name', 'email', 'phone', 'status', 'passwordUpdate',
  'registration', 'emailVerification', 'phoneVerification', 'labels', 'accessedAt',
]);
const FILTERS = new Set([
  'equal', 'notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'between',
  'startsWith', 'endsWith', 'contains', 'search', 'isNull', 'isNotNull',
]);
/** Most queries per request and longest query string (Appwrite's `APP_LIMIT_ARRAY_PARAMS_SIZE` / `_ELEMENT_SIZE`). */
export const MAX_QUERIES = 100;
export const MAX_QUERY_LENGTH = 4096;
/** Default and largest page size (Appwrite's `APP_LIMIT_LIST_DEFAULT` 25, `Limit` validator max 5000). */
export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 5000;

interface Filter {
  method: string;
  attribute: string;
  values: unknown[];
}

/** A parsed list request. */
export interface UsersQuery {
  filters: Filter[];
  orders: { attribute: string; desc: boolean }[];
  limit: number;
  offset: number;
  cursor: { id: string; after: boolean } | null;
}

const invalid = (msg: string): never => {
  throw new AppwriteError('general_query_invalid', `Invalid query: ${msg}`);
};

function parseOne(raw: string): { method: string; attribute: string; values: unknown[] } {
  if (raw.length > MAX_QUERY_LENGTH) invalid(`Query must be at most ${MAX_QUERY_LENGTH} characters long`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return invalid(`Invalid query: ${raw.slice(0, 100)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return invalid('Query must be an object');
  const q = parsed as Record<string, unknown>;
  const method = q.method;
  const attribute = q.attribute ?? '';
  const values = q.values ?? [];
  if (typeof method !== 'string') return invalid('Query method must be a string');
  if (typeof attribute !== 'string') return invalid('Query attribute must be a string');
  if (!Array.isArray(values)) return invalid('Query values must be an array');
  return { method, attribute, values };
}

/**
 * Parses `queries[]`.
 * @throws AppwriteError 400 `general_query_invalid`
 */
export function parseUsersQueries(raw: string[]): UsersQuery {
  if (raw.length > MAX_QUERIES) invalid(`Maximum of ${MAX_QUERIES} queries are allowed`);
  const out: UsersQuery = { filters: [], orders: [], limit: DEFAULT_LIMIT, offset: 0, cursor: null };
  for (const r of raw) {
    const { method, attribute, values } = parseOne(r);
    if (method === 'limit' || method === 'offset') {
      const v = values[0];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) invalid(`Invalid ${method} param: Value must be a valid integer`);
      const n = v as number;
      if (method === 'limit' && (n < 1 || n > MAX_LIMIT)) invalid(`Invalid limit param: Value must be a valid range between 1 and ${MAX_LIMIT}`);
      if (method === 'limit') out.limit = n;
      else out.offset = n;
    } else if (method === 'cursorAfter' || method === 'cursorBefore') {
      const v = values[0];
      if (typeof v !== 'string' || v.length === 0) invalid('Invalid cursor: Cursor must be a valid user ID');
      out.cursor = { id: v as string, after: method === 'cursorAfter' };
    } else if (method === 'orderAsc' || method === 'orderDesc') {
      const attr = attribute === '' ? '$sequence' : attribute;
      if (attr !== '$sequence' && !ATTRIBUTES.has(attr)) invalid(`Attribute not found in schema: ${attr}`);
      out.orders.push({ attribute: attr, desc: method === 'orderDesc' });
    } else if (method === 'select') {
      // Users have no relationships; selecting attributes does not change the User model.
    } else if (FILTERS.has(method)) {
      if (!ATTRIBUTES.has(attribute)) invalid(`Attribute not found in schema: ${attribute}`);
      if (attribute === 'labels' && method !== 'contains' && method !== 'isNull' && method !== 'isNotNull') {
        invalid(`Cannot query ${method} on attribute "labels" because it is an array.`);
      }
      if (method === 'between' && values.length !== 2) invalid('Between queries require exactly two values.');
      if (!['isNull', 'isNotNull'].includes(method) && values.length === 0) invalid(`${method} queries require at least one value.`);
      out.filters.push({ method, attribute, values });
    } else {
      invalid(`Invalid query method: ${method}`);
    }
  }
  return out;
}

function attrValue(u: UserRecord, attribute: string): unknown {
  return (u as unknown as Record<string, unknown>)[attribute];
}

/** MariaDB FULLTEXT in boolean mode with a trailing wildcard, as utopia-php/database builds it: any term prefixes any word. */
export function fullTextMatch(haystack: string, term: string): boolean {
  const words = haystack.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
  const terms = term.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
  if (terms.length === 0) return true;
  return terms.some((t) => words.some((w) => w.startsWith(t)));
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a ?? '');
  const y = String(b ?? '');
  return x < y ? -1 : x > y ? 1 : 0;
}

function matches(u: UserRecord, f: Filter): boolean {
  const v = attrValue(u, f.attribute);
  const vals = f.values;
  switch (f.method) {
    case 'equal':
      return vals.some((x) => compare(v, x) === 0);
    case 'notEqual':
      return vals.every((x) => compare(v, x) !== 0);
    case 'lessThan':
      return compare(v, vals[0]) < 0;
    case 'lessThanEqual':
      return compare(v, vals[0]) <= 0;
    case 'greaterThan':
      return compare(v, vals[0]) > 0;
    case 'greaterThanEqual':
      return compare(v, vals[0]) >= 0;
    case 'between':
      return compare(v, vals[0]) >= 0 && compare(v, vals[1]) <= 0;
    case 'startsWith':
      return typeof v === 'string' && v.startsWith(String(vals[0]));
    case 'endsWith':
      return typeof v === 'string' && v.endsWith(String(vals[0]));
    case 'contains':
      return Array.isArray(v) ? vals.some((x) => v.includes(x)) : typeof v === 'string' && vals.some((x) => v.includes(String(x)));
    case 'search':
      return fullTextMatch(String(v ?? ''), String(vals[0]));
    case 'isNull':
      return v === null || v === undefined || v === '';
    case 'isNotNull':
      return !(v === null || v === undefined || v === '');
    default:
      return false;
  }
}

/** The text Appwrite indexes for `search` on users: id, email, phone and name. */
const searchText = (u: UserRecord) => [u.$id, u.email, u.phone, u.name].join(' ');

/**
 * Runs a list request over users in insertion order.
 * @returns the page and the number of users matching the filters (before limit/offset/cursor).
 * @throws AppwriteError 400 `general_cursor_not_found` when the cursor names no user.
 */
export function runUsersQuery(all: UserRecord[], q: UsersQuery, search: string): { page: UserRecord[]; total: number } {
  const seq = new Map(all.map((u, i) => [u.$id, i]));
  let rows = all.filter((u) => q.filters.every((f) => matches(u, f)) && (search === '' || fullTextMatch(searchText(u), search)));
  const total = rows.length;
  const orders = [...q.orders, { attribute: '$sequence', desc: false }];
  const cmp = (a: UserRecord, b: UserRecord): number => {
    for (const o of orders) {
      const d = o.attribute === '$sequence' ? seq.get(a.$id)! - seq.get(b.$id)! : compare(attrValue(a, o.attribute), attrValue(b, o.attribute));
      if (d !== 0) return o.desc ? -d : d;
    }
    return 0;
  };
  rows = [...rows].sort(cmp);
  if (q.cursor) {
    const cursorUser = all.find((u) => u.$id === q.cursor!.id);
    if (!cursorUser) throw new AppwriteError('general_cursor_not_found', `User '${q.cursor.id}' for the 'cursor' value not found.`);
    if (!q.cursor.after) {
      // cursorBefore: the `limit` rows right before the cursor (after skipping `offset` of them).
      const before = rows.filter((u) => cmp(u, cursorUser) < 0);
      const end = Math.max(0, before.length - q.offset);
      return { page: before.slice(Math.max(0, end - q.limit), end), total };
    }
    rows = rows.filter((u) => cmp(u, cursorUser) > 0);
  }
  return { page: rows.slice(q.offset, q.offset + q.limit), total };
}
