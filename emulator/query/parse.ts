/**
 * Parses and validates Appwrite query strings against a {@link QuerySchema}, as Appwrite's
 * `Query::parseQueries` plus utopia-php/database's query validators (`Filter`, `Order`, `Limit`,
 * `Offset`, `Cursor`, `Select`) do. Every problem answers 400 `general_query_invalid` with an
 * `Invalid query: ...` message; nothing here throws anything else.
 *
 * Rules (Appwrite 1.9): default limit 25 (APP_LIMIT_LIST_DEFAULT), limit ≥ 1, offset ≥ 0, at most
 * 100 values per filter (APP_DATABASE_QUERY_MAX_VALUES), the first limit/offset/cursor wins,
 * array attributes accept only contains/containsAny/containsAll/notContains/isNull/isNotNull,
 * `search` needs a fulltext index on the attribute.
 * @module
 */
import { AppwriteError } from '../errors.js';
import { toAppwriteDate } from '../util.js';
import type { AttributeSpec, Filter, FilterMethod, Order, ParsedQueries, QuerySchema } from './types.js';

/** Appwrite's default page size (APP_LIMIT_LIST_DEFAULT). */
export const DEFAULT_LIMIT = 25;
/** Most values one filter may carry (APP_DATABASE_QUERY_MAX_VALUES). */
export const MAX_QUERY_VALUES = 100;
/** Most queries one request may carry (APP_LIMIT_ARRAY_PARAMS_SIZE). */
export const MAX_QUERIES = 100;

const FILTERS = new Set<FilterMethod>([
  'equal', 'notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'between',
  'notBetween', 'isNull', 'isNotNull', 'startsWith', 'notStartsWith', 'endsWith', 'notEndsWith',
  'contains', 'notContains', 'containsAny', 'containsAll', 'search', 'notSearch', 'regex',
]);
const ARRAY_OK = new Set<FilterMethod>(['contains', 'notContains', 'containsAny', 'containsAll', 'isNull', 'isNotNull']);
const STRING_ONLY = new Set<FilterMethod>(['startsWith', 'notStartsWith', 'endsWith', 'notEndsWith', 'search', 'notSearch', 'regex']);
const NO_VALUES = new Set<FilterMethod>(['isNull', 'isNotNull']);

function invalid(message: string): AppwriteError {
  return new AppwriteError('general_query_invalid', `Invalid query: ${message}`);
}

interface RawQuery {
  method: string;
  attribute?: string;
  values: unknown[];
}

function toRaw(value: unknown): RawQuery {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('Syntax error');
  const o = value as Record<string, unknown>;
  if (typeof o.method !== 'string') throw invalid('Syntax error');
  if (o.attribute !== undefined && o.attribute !== null && typeof o.attribute !== 'string') throw invalid('Syntax error');
  if (o.values !== undefined && o.values !== null && !Array.isArray(o.values)) throw invalid('Syntax error');
  return { method: o.method, attribute: (o.attribute as string | undefined) ?? undefined, values: (o.values as unknown[] | undefined) ?? [] };
}

function attributeOf(schema: QuerySchema, name: string | undefined): AttributeSpec {
  if (!name) throw invalid('Attribute not found in schema: ');
  const spec = schema.attributes.get(name);
  if (!spec) throw invalid(`Attribute not found in schema: ${name}`);
  return spec;
}

function normalizeValue(value: unknown, spec: AttributeSpec, attribute: string): unknown {
  const bad = () => invalid(`Query value is invalid for attribute "${attribute}"`);
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') throw bad();
      return value;
    case 'integer':
      if (typeof value === 'bigint') return Number(value);
      if (typeof value !== 'number' || !Number.isInteger(value)) throw bad();
      return value;
    case 'double':
      if (typeof value === 'bigint') return Number(value);
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad();
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad();
      return value;
    case 'datetime': {
      if (typeof value !== 'string') throw bad();
      const d = toAppwriteDate(value);
      if (d === null) throw bad();
      return d;
    }
  }
}

function parseFilter(raw: RawQuery, schema: QuerySchema, depth: number): Filter {
  const method = raw.method;
  if (method === 'and' || method === 'or') {
    if (depth > 3) throw invalid('Maximum nesting depth of 3 exceeded');
    if (raw.values.length === 0) throw invalid(`${method === 'and' ? 'And' : 'Or'} queries require at least one query`);
    const filters = raw.values.map((v) => {
      const inner = toRaw(v);
      if (!FILTERS.has(inner.method as FilterMethod) && inner.method !== 'and' && inner.method !== 'or') {
        throw invalid(`${method === 'and' ? 'And' : 'Or'} queries can only contain filter queries`);
      }
      return parseFilter(inner, schema, depth + 1);
    });
    return { kind: 'logical', method, filters };
  }
  if (method === 'exists' || method === 'notExists') {
    if (raw.values.length === 0 || !raw.values.every((v) => typeof v === 'string')) throw invalid(`${method} queries require at least one attribute`);
    for (const a of raw.values as string[]) attributeOf(schema, a);
    return { kind: 'exists', negate: method === 'notExists', attributes: raw.values as string[] };
  }
  const m = method as FilterMethod;
  const spec = attributeOf(schema, raw.attribute);
  const attribute = raw.attribute!;
  if (spec.array && !ARRAY_OK.has(m)) throw invalid(`Cannot query ${m} on attribute "${attribute}" because it is an array.`);
  if (!spec.array && (m === 'containsAny' || m === 'containsAll')) throw invalid(`Cannot query ${m} on attribute "${attribute}" because it is not an array.`);
  if ((m === 'contains' || m === 'notContains') && !spec.array && spec.type !== 'string') {
    throw invalid(`Cannot query ${m} on attribute "${attribute}" since it is not an array or string.`);
  }
  if (STRING_ONLY.has(m) && spec.type !== 'string') throw invalid(`Cannot query ${m} on attribute "${attribute}" because it is not a string.`);
  if ((m === 'search' || m === 'notSearch') && !schema.fulltext?.has(attribute)) {
    throw invalid(`Searching by attribute "${attribute}" requires a fulltext index.`);
  }
  if (raw.values.length > MAX_QUERY_VALUES) throw invalid(`Query on attribute has greater than ${MAX_QUERY_VALUES} values: ${attribute}`);
  if (NO_VALUES.has(m)) return { kind: 'attribute', method: m, attribute, spec, values: [] };
  if (m === 'between' || m === 'notBetween') {
    if (raw.values.length !== 2) throw invalid(`${m === 'between' ? 'Between' : 'NotBetween'} queries require exactly two values.`);
  } else if (raw.values.length === 0) {
    throw invalid(`${m[0]!.toUpperCase()}${m.slice(1)} queries require at least one value.`);
  }
  const values = raw.values.map((v) => normalizeValue(v, spec, attribute));
  if (m === 'regex') {
    try {
      return { kind: 'attribute', method: m, attribute, spec, values, regex: new RegExp(values[0] as string) };
    } catch {
      throw invalid(`Invalid regular expression for attribute "${attribute}"`);
    }
  }
  return { kind: 'attribute', method: m, attribute, spec, values };
}

function intValue(raw: RawQuery, name: 'limit' | 'offset', min: number): number {
  const v = raw.values[0];
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > Number.MAX_SAFE_INTEGER) {
    throw invalid(`Invalid ${name}: Value must be a valid range between ${min.toLocaleString('en-US')} and ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')}`);
  }
  return n;
}

/**
 * Parses the `queries` param of a list endpoint.
 * @param queries raw JSON query strings (undefined = none).
 * @throws AppwriteError 400 `general_query_invalid` for malformed JSON, an unknown method or
 *   attribute, a value of the wrong type, or a limit/offset out of range.
 */
export function parseQueries(queries: readonly unknown[] | undefined, schema: QuerySchema): ParsedQueries {
  const out: ParsedQueries = { filters: [], orders: [], random: false, limit: DEFAULT_LIMIT, offset: 0, cursor: null, select: null };
  if (!queries) return out;
  if (queries.length > MAX_QUERIES) throw invalid(`Queries must be an array of at most ${MAX_QUERIES} queries`);
  let limitSeen = false;
  let offsetSeen = false;
  for (const q of queries) {
    let parsed: unknown;
    if (typeof q !== 'string') throw invalid('Syntax error');
    try {
      parsed = JSON.parse(q);
    } catch {
      throw invalid('Syntax error');
    }
    const raw = toRaw(parsed);
    switch (raw.method) {
      case 'limit':
        if (!limitSeen) out.limit = intValue(raw, 'limit', 1);
        limitSeen = true;
        break;
      case 'offset':
        if (!offsetSeen) out.offset = intValue(raw, 'offset', 0);
        offsetSeen = true;
        break;
      case 'cursorAfter':
      case 'cursorBefore': {
        const id = raw.values[0];
        if (typeof id !== 'string' || id.length === 0) throw invalid('Invalid cursor: Cursor must contain at least one value.');
        out.cursor ??= { direction: raw.method === 'cursorAfter' ? 'after' : 'before', id };
        break;
      }
      case 'orderAsc':
      case 'orderDesc': {
        attributeOf(schema, raw.attribute);
        const order: Order = { attribute: raw.attribute!, direction: raw.method === 'orderAsc' ? 'asc' : 'desc' };
        out.orders.push(order);
        break;
      }
      case 'orderRandom':
        out.random = true;
        break;
      case 'select': {
        if (raw.values.length === 0 || !raw.values.every((v) => typeof v === 'string')) throw invalid('Select queries require at least one attribute');
        const names = raw.values as string[];
        for (const n of names) if (n !== '*') attributeOf(schema, n);
        out.select = [...(out.select ?? []), ...names];
        break;
      }
      default:
        if (raw.method === 'and' || raw.method === 'or' || raw.method === 'exists' || raw.method === 'notExists' || FILTERS.has(raw.method as FilterMethod)) {
          out.filters.push(parseFilter(raw, schema, 1));
        } else {
          throw invalid(`Invalid query method: ${raw.method}`);
        }
    }
  }
  if (out.random && out.cursor) throw invalid('Cursor pagination is not supported with random ordering');
  return out;
}
