/**
 * Listing of TablesDB metadata (databases, tables, columns, indexes) with Appwrite queries, the
 * `search` param and `total`; default order is creation (insertion) order, like Appwrite's `_id`.
 * @module
 */
import { parseQueries, runQuery, type AttributeSpec, type Getter, type QuerySchema } from '../query/index.js';

const S: AttributeSpec = { type: 'string', array: false };
const B: AttributeSpec = { type: 'boolean', array: false };
const D: AttributeSpec = { type: 'datetime', array: false };
const I: AttributeSpec = { type: 'integer', array: false };

/** Query schemas of the metadata lists (Appwrite's `Databases`, `Tables`, `Columns`, `Indexes` query validators). */
export const META_SCHEMAS = {
  databases: new Map<string, AttributeSpec>([['$id', S], ['name', S], ['enabled', B], ['type', S], ['$createdAt', D], ['$updatedAt', D]]),
  tables: new Map<string, AttributeSpec>([['$id', S], ['name', S], ['enabled', B], ['rowSecurity', B], ['$createdAt', D], ['$updatedAt', D]]),
  columns: new Map<string, AttributeSpec>([['key', S], ['type', S], ['size', I], ['required', B], ['array', B], ['status', S], ['error', S]]),
  indexes: new Map<string, AttributeSpec>([['key', S], ['type', S], ['status', S], ['columns', { type: 'string', array: true }], ['error', S]]),
} as const;

interface Positioned<T> {
  item: T;
  pos: number;
}

/**
 * Applies `queries` (and `search`, a case-insensitive substring of `searchText`) to `items`.
 * @throws AppwriteError 400 `general_query_invalid` / `general_cursor_not_found`
 */
export function listMeta<T>(
  items: readonly T[],
  opts: {
    queries: readonly string[] | undefined;
    search?: string;
    total: boolean;
    attributes: ReadonlyMap<string, AttributeSpec>;
    get: Getter<T>;
    idOf: (item: T) => string;
    searchText?: (item: T) => string;
  },
): { items: T[]; total: number } {
  const schema: QuerySchema = { attributes: opts.attributes };
  const q = parseQueries(opts.queries, schema);
  const wrapped: Positioned<T>[] = items.map((item, pos) => ({ item, pos }));
  const needle = opts.search?.toLowerCase();
  const get: Getter<Positioned<T>> = (w, a) => (a === '__pos' ? w.pos : opts.get(w.item, a));
  const res = runQuery(wrapped, q, {
    get,
    tiebreakers: [{ attribute: '__pos', direction: 'asc' }],
    findById: (id) => wrapped.find((w) => opts.idOf(w.item) === id),
    visible: needle && opts.searchText ? (w) => opts.searchText!(w.item).toLowerCase().includes(needle) : undefined,
    includeTotal: opts.total,
  });
  return { items: res.items.map((w) => w.item), total: res.total };
}
