/**
 * defineTable(): a definition that breaks an Appwrite rule fails at import, naming the table and
 * the rule.
 */
import { describe, expect, it } from 'vitest';
import { defineTable, type TableInput } from './define.js';

const valid: TableInput = {
  $id: 'widgets',
  name: 'Widgets',
  rowSecurity: false,
  permissions: ['read("users")', 'create("label:manager")'],
  columns: [
    { key: 'storeId', type: 'string', size: 36, required: true },
    { key: 'kind', type: 'string', size: 8, format: 'enum', elements: ['a', 'bb'], required: false, default: 'a' },
    { key: 'priceMinor', type: 'integer', required: true, min: 0, money: true },
  ],
  indexes: [{ key: 'store', type: 'key', columns: ['storeId'] }],
  mirror: { deletes: 'soft' },
};
const withColumn = (c: Record<string, unknown>): TableInput => ({ ...valid, columns: [...valid.columns, c as TableInput['columns'][number]] });

describe('defineTable', () => {
  it('returns a frozen definition with defaults filled in', () => {
    const t = defineTable(valid);
    expect(t.columns[0]?.array).toBe(false);
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.columns[0])).toBe(true);
  });

  it.each<[string, TableInput, RegExp]>([
    ['an id with a leading special char', { ...valid, $id: '_widgets' }, /\$id: must be 1-36 chars/],
    ['an id longer than 36 chars', { ...valid, $id: 'w'.repeat(37) }, /\$id/],
    ['a table named users (reserved for the users mirror)', { ...valid, $id: 'users' }, /"users" is reserved/],
    ['a malformed permission', { ...valid, permissions: ['read(users)'] }, /Appwrite permission/],
    ['an invalid label in a permission', { ...valid, permissions: ['read("label:store-1")'] }, /Appwrite permission/],
    ['an unknown permission action', { ...valid, permissions: ['list("users")'] }, /Appwrite permission/],
    ['a required column with a default', withColumn({ key: 'x', type: 'integer', required: true, default: 1 }), /required column cannot have a default/],
    ['an array column with a default', withColumn({ key: 'x', type: 'string', size: 4, array: true, required: false, default: 'a' }), /array column cannot have a default/],
    ['an enum default outside its elements', withColumn({ key: 'x', type: 'string', size: 4, format: 'enum', elements: ['a'], required: false, default: 'b' }), /not one of the elements/],
    ['an enum without elements', withColumn({ key: 'x', type: 'string', size: 4, format: 'enum', required: false }), /enum needs elements/],
    ['an integer default outside [min, max]', withColumn({ key: 'x', type: 'integer', min: 0, max: 5, required: false, default: 9 }), /outside \[min, max\]/],
    ['min above max', withColumn({ key: 'x', type: 'double', min: 5, max: 1, required: false }), /min exceeds max/],
    ['a string without a size', withColumn({ key: 'x', type: 'string', required: false }), /size/],
    ['a varchar type the CLI cannot create', withColumn({ key: 'x', type: 'varchar', size: 4, required: false }), /columns\.3/],
    ['money as a double', withColumn({ key: 'totalMinor', type: 'double', required: false }), /\*Minor key holds money/],
    ['a key mapping onto a mirror system column', withColumn({ key: 'updatedAt', type: 'datetime', required: false }), /reserved mirror column "updated_at"/],
    ['a $-prefixed key', withColumn({ key: '$id', type: 'string', size: 4, required: false }), /key/],
    ['two keys with the same snake_case name', withColumn({ key: 'store_id', type: 'string', size: 4, required: false }), /collides with another after snake_case/],
    ['a duplicate column', withColumn({ key: 'storeId', type: 'string', size: 4, required: false }), /duplicate column "storeId"/],
    ['an index on an unknown column', { ...valid, indexes: [{ key: 'bad', type: 'key', columns: ['nope'] }] }, /index "bad" names unknown column "nope"/],
    ['an index with one order for two columns', { ...valid, indexes: [{ key: 'two', type: 'key', columns: ['storeId', 'kind'], orders: ['ASC'] }] }, /one order per column/],
  ])('rejects %s', (_name, input, message) => {
    expect(() => defineTable(input)).toThrow(/Invalid table definition/);
    expect(() => defineTable(input)).toThrow(message);
  });
});
