/**
 * Evaluates parsed Appwrite queries over in-memory records, with MariaDB's semantics as Appwrite
 * runs them: a comparison against NULL never matches (only `isNull` does), NULLs sort first
 * ascending and last descending, ties are broken by the tie-breaker orders (`$sequence` for rows,
 * Appwrite's `_id`), cursors compare on the full sort key so pagination has no duplicates or
 * gaps. Strings compare by code unit (the emulator does not reproduce MariaDB's
 * case-insensitive `utf8mb4_unicode_ci` collation).
 * @module
 */
import { AppwriteError } from '../errors.js';
import type { Filter, Order, ParsedQueries } from './types.js';

/** Reads one attribute of a record (system attributes included). */
export type Getter<T> = (item: T, attribute: string) => unknown;

function cmp(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function words(s: string): string[] {
  return s.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((w) => w.length > 0);
}

/** MariaDB boolean-mode fulltext as Appwrite builds it: any word matches, the last as a prefix. */
export function searchMatches(text: string, query: string): boolean {
  const q = words(query);
  if (q.length === 0) return false;
  const t = words(text);
  const last = q[q.length - 1]!;
  return q.some((w) => t.includes(w)) || t.some((w) => w.startsWith(last));
}

function matchScalar(method: Filter & { kind: 'attribute' }, v: unknown): boolean {
  const vals = method.values;
  switch (method.method) {
    case 'equal':
      return vals.some((x) => cmp(v, x) === 0);
    case 'notEqual':
      return vals.every((x) => cmp(v, x) !== 0);
    case 'lessThan':
      return cmp(v, vals[0]) < 0;
    case 'lessThanEqual':
      return cmp(v, vals[0]) <= 0;
    case 'greaterThan':
      return cmp(v, vals[0]) > 0;
    case 'greaterThanEqual':
      return cmp(v, vals[0]) >= 0;
    case 'between':
      return cmp(v, vals[0]) >= 0 && cmp(v, vals[1]) <= 0;
    case 'notBetween':
      return cmp(v, vals[0]) < 0 || cmp(v, vals[1]) > 0;
    case 'startsWith':
      return vals.some((x) => (v as string).startsWith(x as string));
    case 'notStartsWith':
      return vals.every((x) => !(v as string).startsWith(x as string));
    case 'endsWith':
      return vals.some((x) => (v as string).endsWith(x as string));
    case 'notEndsWith':
      return vals.every((x) => !(v as string).endsWith(x as string));
    case 'contains':
      return vals.some((x) => (v as string).includes(x as string));
    case 'notContains':
      return vals.every((x) => !(v as string).includes(x as string));
    case 'search':
      return searchMatches(v as string, vals[0] as string);
    case 'notSearch':
      return !searchMatches(v as string, vals[0] as string);
    case 'regex':
      return method.regex!.test(v as string);
    default:
      return false;
  }
}

/** True when `item` satisfies one filter. */
export function matchesFilter<T>(item: T, f: Filter, get: Getter<T>): boolean {
  if (f.kind === 'logical') {
    return f.method === 'and' ? f.filters.every((x) => matchesFilter(item, x, get)) : f.filters.some((x) => matchesFilter(item, x, get));
  }
  if (f.kind === 'exists') {
    return f.attributes.every((a) => {
      const v = get(item, a);
      return f.negate ? v === null || v === undefined : v !== null && v !== undefined;
    });
  }
  const v = get(item, f.attribute);
  if (f.method === 'isNull') return v === null || v === undefined;
  if (f.method === 'isNotNull') return v !== null && v !== undefined;
  if (v === null || v === undefined) return false;
  if (f.spec.array) {
    const arr = Array.isArray(v) ? v : [];
    const has = (x: unknown) => arr.some((e) => cmp(e, x) === 0);
    switch (f.method) {
      case 'contains':
      case 'containsAny':
        return f.values.some(has);
      case 'containsAll':
        return f.values.every(has);
      case 'notContains':
        return !f.values.some(has);
      default:
        return false;
    }
  }
  return matchScalar(f, v);
}

/** True when `item` satisfies every filter. */
export function matchesAll<T>(item: T, filters: readonly Filter[], get: Getter<T>): boolean {
  for (const f of filters) if (!matchesFilter(item, f, get)) return false;
  return true;
}

function keyComparator(orders: readonly Order[]): (a: unknown[], b: unknown[]) => number {
  return (a, b) => {
    for (let i = 0; i < orders.length; i++) {
      const c = cmp(a[i], b[i]);
      if (c !== 0) return orders[i]!.direction === 'asc' ? c : -c;
    }
    return 0;
  };
}

export interface RunOptions<T> {
  get: Getter<T>;
  /** Orders appended after the requested ones to make the order total (e.g. `$sequence` asc). */
  tiebreakers: readonly Order[];
  /** Looks up the cursor record by id, ignoring permissions (Appwrite skips authorization there). */
  findById: (id: string) => T | undefined;
  /** Records the caller may see; others are neither returned nor counted. */
  visible?: (item: T) => boolean;
  /** False answers total 0 without counting (`total=false`). */
  includeTotal?: boolean;
  /** Cap of `total` (Appwrite counts at most APP_LIMIT_COUNT = 5000). */
  countLimit?: number;
  /** Word for the cursor error message, e.g. `Row`. */
  label?: string;
}

/**
 * Filters, orders and pages `items`.
 * @returns the page and the number of matching records (capped at `countLimit`).
 * @throws AppwriteError 400 `general_cursor_not_found` when the cursor record does not exist.
 */
export function runQuery<T>(items: Iterable<T>, q: ParsedQueries, opts: RunOptions<T>): { items: T[]; total: number } {
  const { get } = opts;
  let cursorKeys: unknown[] | null = null;
  const orders: Order[] = [...q.orders];
  for (const t of opts.tiebreakers) if (!orders.some((o) => o.attribute === t.attribute)) orders.push(t);
  const keysOf = (item: T) => orders.map((o) => get(item, o.attribute));
  const compare = keyComparator(orders);
  if (q.cursor) {
    const c = opts.findById(q.cursor.id);
    if (c === undefined) throw new AppwriteError('general_cursor_not_found', `${opts.label ?? 'Document'} '${q.cursor.id}' for the 'cursor' value not found.`);
    cursorKeys = keysOf(c);
  }
  const matched: { item: T; keys: unknown[] }[] = [];
  for (const item of items) {
    if (opts.visible && !opts.visible(item)) continue;
    if (!matchesAll(item, q.filters, get)) continue;
    matched.push({ item, keys: keysOf(item) });
  }
  const limit = opts.countLimit ?? Number.MAX_SAFE_INTEGER;
  const total = opts.includeTotal === false ? 0 : Math.min(matched.length, limit);
  if (q.random) {
    for (let i = matched.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [matched[i], matched[j]] = [matched[j]!, matched[i]!];
    }
  } else {
    matched.sort((a, b) => compare(a.keys, b.keys));
  }
  let window = matched;
  if (cursorKeys) {
    const ck = cursorKeys;
    if (q.cursor!.direction === 'after') {
      window = matched.filter((m) => compare(m.keys, ck) > 0);
    } else {
      const before = matched.filter((m) => compare(m.keys, ck) < 0);
      const end = Math.max(0, before.length - q.offset);
      return { items: before.slice(Math.max(0, end - q.limit), end).map((m) => m.item), total };
    }
  }
  return { items: window.slice(q.offset, q.offset + q.limit).map((m) => m.item), total };
}
