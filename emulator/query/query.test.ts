import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Query } from 'node-appwrite';
import { AppwriteError } from '../errors.js';
import { parseQueries, runQuery, type AttributeSpec, type QuerySchema } from './index.js';

interface Rec {
  id: string;
  seq: number;
  a: number | null;
  s: string | null;
  tags: string[];
  at: string;
}

const schema: QuerySchema = {
  attributes: new Map<string, AttributeSpec>([
    ['$id', { type: 'string', array: false }],
    ['$sequence', { type: 'integer', array: false }],
    ['a', { type: 'integer', array: false }],
    ['s', { type: 'string', array: false }],
    ['tags', { type: 'string', array: true }],
    ['at', { type: 'datetime', array: false }],
  ]),
};

const get = (r: Rec, k: string): unknown => (k === '$id' ? r.id : k === '$sequence' ? r.seq : r[k as keyof Rec]);
const run = (items: Rec[], queries: string[]) =>
  runQuery(items, parseQueries(queries, schema), { get, tiebreakers: [{ attribute: '$sequence', direction: 'asc' }], findById: (id) => items.find((r) => r.id === id) });

const recs: Rec[] = [
  { id: 'r1', seq: 1, a: 5, s: 'apple', tags: ['x', 'y'], at: '2024-01-01T00:00:00.000+00:00' },
  { id: 'r2', seq: 2, a: null, s: 'banana', tags: [], at: '2024-02-01T00:00:00.000+00:00' },
  { id: 'r3', seq: 3, a: 1, s: null, tags: ['y'], at: '2024-03-01T00:00:00.000+00:00' },
  { id: 'r4', seq: 4, a: 5, s: 'cherry', tags: ['z'], at: '2024-04-01T00:00:00.000+00:00' },
];
const ids = (r: { items: Rec[] }) => r.items.map((x) => x.id);

function queryError(fn: () => unknown): AppwriteError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppwriteError) return e;
    throw e;
  }
  throw new Error('expected an AppwriteError');
}

describe('parseQueries', () => {
  it('defaults to limit 25, offset 0, no cursor', () => {
    expect(parseQueries(undefined, schema)).toMatchObject({ limit: 25, offset: 0, cursor: null, select: null, filters: [], orders: [] });
  });

  it('rejects bad input with general_query_invalid', () => {
    for (const q of ['nope', '{"method":1}', JSON.stringify({ method: 'teleport' }), Query.equal('zzz', 1), Query.equal('a', 'x'), Query.lessThan('at', 'not a date'), Query.equal('tags', 'x'), Query.containsAll('s', ['x']), Query.limit(0), Query.offset(-1), Query.equal('a', [])]) {
      const e = queryError(() => parseQueries([q], schema));
      expect(e.type).toBe('general_query_invalid');
      expect(e.code).toBe(400);
      expect(e.message.startsWith('Invalid query: ')).toBe(true);
    }
  });

  it('normalizes datetime values so any ISO form compares correctly', () => {
    expect(ids(run(recs, [Query.greaterThan('at', '2024-02-15T00:00:00Z')]))).toEqual(['r3', 'r4']);
  });
});

describe('runQuery', () => {
  it('never matches NULL in comparisons, only isNull', () => {
    expect(ids(run(recs, [Query.lessThan('a', 10)]))).toEqual(['r1', 'r3', 'r4']);
    expect(ids(run(recs, [Query.notEqual('a', 5)]))).toEqual(['r3']);
    expect(ids(run(recs, [Query.isNull('a')]))).toEqual(['r2']);
  });

  it('supports array contains/containsAny/containsAll and string contains', () => {
    expect(ids(run(recs, [Query.contains('tags', 'y')]))).toEqual(['r1', 'r3']);
    expect(ids(run(recs, [Query.containsAll('tags', ['x', 'y'])]))).toEqual(['r1']);
    expect(ids(run(recs, [Query.contains('s', 'an')]))).toEqual(['r2']);
  });

  it('sorts NULLs first ascending and last descending, ties by sequence', () => {
    expect(ids(run(recs, [Query.orderAsc('a')]))).toEqual(['r2', 'r3', 'r1', 'r4']);
    expect(ids(run(recs, [Query.orderDesc('a')]))).toEqual(['r1', 'r4', 'r3', 'r2']);
  });

  it('pages through any ordering with cursors without duplicates or gaps (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: fc.option(fc.integer({ min: 0, max: 5 })), s: fc.constantFrom('a', 'b', 'c') }), { maxLength: 60 }),
        fc.constantFrom('orderAsc', 'orderDesc'),
        fc.integer({ min: 1, max: 7 }),
        (raw, dir, limit) => {
          const items: Rec[] = raw.map((r, i) => ({ id: `i${i}`, seq: i + 1, a: r.a, s: r.s, tags: [], at: '2024-01-01T00:00:00.000+00:00' }));
          const order = dir === 'orderAsc' ? Query.orderAsc('a') : Query.orderDesc('a');
          const all = ids(run(items, [order, Query.orderAsc('s'), Query.limit(1000)]));
          const seen: string[] = [];
          let cursor: string | undefined;
          for (;;) {
            const q = [order, Query.orderAsc('s'), Query.limit(limit)];
            if (cursor) q.push(Query.cursorAfter(cursor));
            const page = ids(run(items, q));
            if (page.length === 0) break;
            seen.push(...page);
            cursor = page[page.length - 1];
          }
          expect(seen).toEqual(all);
        },
      ),
    );
  });

  it('throws general_cursor_not_found for an unknown cursor', () => {
    expect(queryError(() => run(recs, [Query.cursorAfter('ghost')])).type).toBe('general_cursor_not_found');
  });
});
