/**
 * Appwrite's query language for emulator list endpoints: {@link parseQueries} validates query
 * strings against a schema, {@link runQuery} filters, orders and pages records.
 * @module
 */
export { parseQueries, DEFAULT_LIMIT, MAX_QUERY_VALUES, MAX_QUERIES } from './parse.js';
export { runQuery, matchesAll, matchesFilter, type Getter, type RunOptions } from './evaluate.js';
export type { AttributeSpec, AttributeType, Filter, Order, ParsedQueries, QuerySchema } from './types.js';
