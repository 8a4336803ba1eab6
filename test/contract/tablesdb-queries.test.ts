/**
 * Contract: Appwrite queries on a 10,000-row table through node-appwrite: filters, and/or,
 * multi-key ordering with ties, cursor pagination without duplicates or gaps, `total`, select,
 * search and query errors. Expected answers are computed independently from the generated data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppwriteException, Query, type Models } from 'node-appwrite';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

let emu: TestEmulator;
const T = { databaseId: 'q', tableId: 'sales' };
const N = 10_000;

interface Sale {
  $id: string;
  seq: number;
  n: number;
  grp: string;
  price: number;
  name: string;
  flag: boolean;
  note: string | null;
}
const data: Sale[] = [];
for (let i = 0; i < N; i++) {
  data.push({
    $id: `s${String(i).padStart(5, '0')}`,
    seq: i + 1,
    n: i,
    grp: `g${i % 10}`,
    price: (i * 7919) % 50, // many ties
    name: `item ${(i * 31) % 997}`,
    flag: i % 3 === 0,
    note: i % 4 === 0 ? null : `note-${i % 13}`,
  });
}

async function expectError<T>(p: Promise<T>, code: number, type: string): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(AppwriteException);
  expect({ code: (e as AppwriteException).code, type: (e as AppwriteException).type }).toEqual({ code, type });
}

type Row = Models.DefaultRow & Record<string, unknown>;
const list = (queries: string[], total?: boolean) => emu.tablesDB.listRows<Row>({ ...T, queries, ...(total === undefined ? {} : { total }) });

beforeAll(async () => {
  emu = await startTestEmulator();
  const db = emu.tablesDB;
  await db.create({ databaseId: 'q', name: 'Q' });
  await db.createTable({ ...T, name: 'Sales' });
  await db.createIntegerColumn({ ...T, key: 'n', required: true });
  await db.createStringColumn({ ...T, key: 'grp', size: 4, required: true });
  await db.createFloatColumn({ ...T, key: 'price', required: true });
  await db.createStringColumn({ ...T, key: 'name', size: 32, required: true });
  await db.createBooleanColumn({ ...T, key: 'flag', required: true });
  await db.createStringColumn({ ...T, key: 'note', size: 16, required: false });
  for (let i = 0; i < N; i += 100) {
    await db.createRows({ ...T, rows: data.slice(i, i + 100).map(({ seq: _seq, ...r }) => r) });
  }
}, 120_000);
afterAll(async () => {
  await emu.stop();
});

describe('filters and total', () => {
  it('counts matches exactly below the cap and caps total at 5000 like Appwrite (APP_LIMIT_COUNT)', async () => {
    const g3 = await list([Query.equal('grp', 'g3')]);
    expect(g3.total).toBe(1000);
    expect(g3.rows).toHaveLength(25);
    expect(g3.rows.every((r) => r.grp === 'g3')).toBe(true);
    expect((await list([])).total).toBe(5000);
    expect((await list([Query.equal('grp', 'g3')], false)).total).toBe(0);
  });

  it('applies comparison, range, string and null filters', async () => {
    const cases: [string[], (s: Sale) => boolean][] = [
      [[Query.between('n', 100, 199)], (s) => s.n >= 100 && s.n <= 199],
      [[Query.greaterThan('price', 45), Query.lessThanEqual('n', 4000)], (s) => s.price > 45 && s.n <= 4000],
      [[Query.notEqual('grp', 'g1'), Query.equal('flag', true)], (s) => s.grp !== 'g1' && s.flag],
      [[Query.startsWith('name', 'item 99')], (s) => s.name.startsWith('item 99')],
      [[Query.endsWith('name', '77')], (s) => s.name.endsWith('77')],
      [[Query.contains('name', 'm 12')], (s) => s.name.includes('m 12')],
      [[Query.isNull('note'), Query.lessThan('n', 2000)], (s) => s.note === null && s.n < 2000],
      [[Query.isNotNull('note'), Query.equal('grp', ['g2', 'g4'])], (s) => s.note !== null && (s.grp === 'g2' || s.grp === 'g4')],
      [[Query.or([Query.equal('grp', 'g5'), Query.and([Query.equal('flag', true), Query.lessThan('price', 3)])])], (s) => s.grp === 'g5' || (s.flag && s.price < 3)],
      [[Query.equal('$id', ['s00010', 's09999']), Query.greaterThan('$sequence', 11)], (s) => s.$id === 's09999'],
    ];
    for (const [queries, pred] of cases) {
      const expected = data.filter(pred);
      const res = await list([...queries, Query.limit(5000)]);
      expect(res.total).toBe(Math.min(expected.length, 5000));
      expect(res.rows.map((r) => r.$id)).toEqual(expected.slice(0, 5000).map((s) => s.$id));
    }
  });

  it('orders by several keys, nulls first ascending, ties broken by $sequence', async () => {
    const res = await list([Query.orderDesc('price'), Query.orderAsc('note'), Query.limit(300), Query.offset(10)]);
    const cmpNote = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
    const expected = [...data].sort((a, b) => b.price - a.price || cmpNote(a.note, b.note) || a.seq - b.seq).slice(10, 310);
    expect(res.rows.map((r) => r.$id)).toEqual(expected.map((s) => s.$id));
    expect(res.rows.map((r) => r.$sequence).every((s) => typeof s === 'string')).toBe(true);
  });

  it('returns only selected columns plus system fields', async () => {
    const res = await list([Query.select(['n', 'grp']), Query.limit(3)]);
    for (const r of res.rows) expect(Object.keys(r).filter((k) => !k.startsWith('$')).sort()).toEqual(['grp', 'n']);
  });
});

describe('cursor pagination', () => {
  it('walks 10,000 rows forwards with cursorAfter over tied order keys, no duplicates or gaps', async () => {
    const expected = [...data].sort((a, b) => a.price - b.price || a.seq - b.seq).map((s) => s.$id);
    const seen: string[] = [];
    let cursor: string | undefined;
    const started = Date.now();
    for (;;) {
      const q = [Query.orderAsc('price'), Query.limit(500)];
      if (cursor) q.push(Query.cursorAfter(cursor));
      const page = await list(q, false);
      if (page.rows.length === 0) break;
      seen.push(...page.rows.map((r) => r.$id));
      cursor = page.rows[page.rows.length - 1]!.$id;
    }
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(N);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('walks backwards with cursorBefore', async () => {
    const expected = [...data].sort((a, b) => b.n - a.n);
    const page = await list([Query.orderDesc('n'), Query.cursorBefore(expected[100]!.$id), Query.limit(30)]);
    expect(page.rows.map((r) => r.$id)).toEqual(expected.slice(70, 100).map((s) => s.$id));
  });

  it('answers 400 general_cursor_not_found for a missing cursor row', async () => {
    await expectError(list([Query.cursorAfter('nope')]), 400, 'general_cursor_not_found');
  });
});

describe('query errors and search', () => {
  it('refuses malformed, unknown and ill-typed queries with general_query_invalid', async () => {
    await expectError(list(['{not json']), 400, 'general_query_invalid');
    await expectError(list([JSON.stringify({ method: 'fly', attribute: 'n', values: [1] })]), 400, 'general_query_invalid');
    await expectError(list([Query.equal('missing', 1)]), 400, 'general_query_invalid');
    await expectError(list([Query.equal('n', 'one')]), 400, 'general_query_invalid');
    await expectError(list([Query.limit(0)]), 400, 'general_query_invalid');
    await expectError(list([Query.startsWith('n', '1')]), 400, 'general_query_invalid');
  });

  it('needs a fulltext index for search, as Appwrite does', async () => {
    await expectError(list([Query.search('name', 'item')]), 400, 'general_query_invalid');
    await emu.tablesDB.createIndex({ ...T, key: 'ft', type: 'fulltext' as never, columns: ['name'] });
    const res = await list([Query.search('name', '996'), Query.limit(100)]);
    const expected = data.filter((s) => s.name.split(' ').includes('996'));
    expect(res.total).toBe(expected.length);
    expect(res.rows.map((r) => r.$id)).toEqual(expected.map((s) => s.$id));
  });
});
