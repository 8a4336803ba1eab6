/**
 * Types of Appwrite's query language as the emulator parses it. A query arrives as a JSON string
 * `{"method":"equal","attribute":"sku","values":["A1"]}` (what `Query.*` of the SDKs produce) and
 * is validated against a {@link QuerySchema} describing the queried resource's attributes.
 * @module
 */

/** Value types an attribute can have (Appwrite column types collapsed to their comparison kind). */
export type AttributeType = 'string' | 'integer' | 'double' | 'boolean' | 'datetime';

/** One queryable attribute. */
export interface AttributeSpec {
  type: AttributeType;
  array: boolean;
}

/** What a list endpoint lets callers query. */
export interface QuerySchema {
  /** Queryable attributes by key, system attributes (`$id`, `$createdAt`, ...) included. */
  attributes: ReadonlyMap<string, AttributeSpec>;
  /** Attributes covered by a fulltext index; `search` on any other attribute is refused as in Appwrite. */
  fulltext?: ReadonlySet<string>;
  /** Word used in cursor errors: `Row 'x' for the 'cursor' value not found.` (default `Document`). */
  resourceLabel?: string;
}

export type FilterMethod =
  | 'equal' | 'notEqual' | 'lessThan' | 'lessThanEqual' | 'greaterThan' | 'greaterThanEqual'
  | 'between' | 'notBetween' | 'isNull' | 'isNotNull' | 'startsWith' | 'notStartsWith'
  | 'endsWith' | 'notEndsWith' | 'contains' | 'notContains' | 'containsAny' | 'containsAll'
  | 'search' | 'notSearch' | 'regex';

/** A filter on one attribute, its values already checked and normalized to the attribute's type. */
export interface AttributeFilter {
  kind: 'attribute';
  method: FilterMethod;
  attribute: string;
  spec: AttributeSpec;
  values: unknown[];
  /** Compiled pattern for `regex`. */
  regex?: RegExp;
}

/** `and`/`or` of nested filters. */
export interface LogicalFilter {
  kind: 'logical';
  method: 'and' | 'or';
  filters: Filter[];
}

/** `exists`/`notExists` over attributes (true when the value is not null / null). */
export interface ExistsFilter {
  kind: 'exists';
  negate: boolean;
  attributes: string[];
}

export type Filter = AttributeFilter | LogicalFilter | ExistsFilter;

export interface Order {
  attribute: string;
  direction: 'asc' | 'desc';
}

/** Every query of one request, grouped by kind. */
export interface ParsedQueries {
  filters: Filter[];
  orders: Order[];
  random: boolean;
  /** Rows per page (Appwrite default 25). */
  limit: number;
  offset: number;
  cursor: { direction: 'after' | 'before'; id: string } | null;
  /** Selected attributes, or null for all. */
  select: string[] | null;
}
