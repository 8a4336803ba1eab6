/**
 * appwrite.json (Appwrite CLI 12) is generated from collections/ and functions/definitions.ts;
 * a stale committed file fails this test, and the check fails on a broken fixture.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_ID, DATABASE_NAME, TABLES } from '../collections/index.js';
import { FUNCTIONS } from '../functions/definitions.js';
import { buildAppwriteJson, diffLines, renderAppwriteJson } from '../scripts/appwrite-config.js';

const committed = readFileSync(join(resolve(import.meta.dirname, '..'), 'appwrite.json'), 'utf8');
/**
 * Keys Appwrite CLI 12 keeps when it reads or rewrites the project file (appwrite/sdk-for-cli
 * `lib/config.ts`: KeysFunction, KeysDatabase, KeysTable, KeysColumns, KeyIndexesColumns);
 * `ignore` is read directly by `push functions` (`lib/commands/push.ts`), and the top level
 * holds `projectId`, `projectName` and the resource lists. A key outside these is silently lost.
 */
const CLI_KEYS = {
  top: ['projectId', 'projectName', 'settings', 'tablesDB', 'databases', 'tables', 'collections', 'functions', 'sites', 'buckets', 'teams', 'topics'],
  function: ['path', '$id', 'execute', 'name', 'enabled', 'logging', 'runtime', 'specification', 'scopes', 'events', 'schedule', 'timeout', 'entrypoint', 'commands', 'vars', 'ignore'],
  database: ['$id', 'name', 'enabled'],
  table: ['$id', '$permissions', 'databaseId', 'name', 'enabled', 'rowSecurity', 'columns', 'indexes'],
  column: ['key', 'type', 'required', 'array', 'size', 'default', 'min', 'max', 'format', 'elements', 'relatedTable', 'relationType', 'twoWay', 'twoWayKey', 'onDelete', 'side', 'encrypt'],
  index: ['key', 'type', 'status', 'columns', 'orders'],
};

/** Keys of `obj` the CLI would drop. */
const unknownKeys = (obj: object, allowed: readonly string[]) => Object.keys(obj).filter((k) => !allowed.includes(k));

const generate = (tables = TABLES, functions = FUNCTIONS) => renderAppwriteJson(buildAppwriteJson('tillgate', DATABASE_ID, DATABASE_NAME, tables, functions));

describe('appwrite.json', () => {
  it('is up to date with collections/ and the function definitions (run npm run appwrite:json)', () => {
    expect(diffLines(committed, generate())).toEqual([]);
  });

  it('would be reported stale after a column, permission or function change', () => {
    const moreColumns = TABLES.map((t) => (t.$id === 'products' ? { ...t, columns: [...t.columns, { key: 'shelf', type: 'string' as const, size: 8, required: false, array: false }] } : t));
    expect(diffLines(committed, generate(moreColumns))).not.toEqual([]);
    const morePerms = TABLES.map((t) => (t.$id === 'sales' ? { ...t, permissions: [...t.permissions, 'read("any")'] } : t));
    expect(diffLines(committed, generate(morePerms))).not.toEqual([]);
    const longer = FUNCTIONS.map((f) => (f.$id === 'mirror' ? { ...f, timeout: 61 } : f));
    expect(diffLines(committed, generate(TABLES, longer))).not.toEqual([]);
  });

  it('has the CLI 12 shape: every function deployable, every table complete', () => {
    const doc = JSON.parse(committed) as { projectId: string; tablesDB: unknown[]; tables: Record<string, unknown>[]; functions: Record<string, unknown>[] };
    expect(doc.projectId).toBe('tillgate');
    expect(doc.tablesDB).toEqual([{ $id: 'pos', name: DATABASE_NAME, enabled: true }]);
    expect(doc.functions.map((f) => f.$id).sort()).toEqual(['audit', 'mirror', 'pin-login', 'rbac-guard']);
    for (const f of doc.functions) {
      for (const key of ['runtime', 'entrypoint', 'events', 'scopes', 'timeout', 'execute', 'path', 'ignore']) expect(f, `${String(f.$id)}.${key}`).toHaveProperty(key);
      expect(f.runtime).toBe('node-22');
      expect(f.entrypoint).toBe('dist/main.js');
      expect(f.path).toBe(`functions/${String(f.$id)}`);
      expect(f.ignore as string[]).not.toContain('dist');
    }
    for (const t of doc.tables) {
      expect((t.columns as unknown[]).length, String(t.$id)).toBeGreaterThan(0);
      expect(t).toHaveProperty('indexes');
      expect(t).toHaveProperty('$permissions');
      expect(t.databaseId).toBe('pos');
      for (const c of t.columns as Record<string, unknown>[]) {
        expect(['string', 'integer', 'double', 'boolean', 'datetime']).toContain(c.type);
        for (const key of ['key', 'type', 'required', 'array']) expect(c).toHaveProperty(key);
      }
    }
    expect(unknownKeys(doc, CLI_KEYS.top)).toEqual([]);
    for (const d of doc.tablesDB) expect(unknownKeys(d as object, CLI_KEYS.database)).toEqual([]);
    for (const f of doc.functions) expect(unknownKeys(f, CLI_KEYS.function), String(f.$id)).toEqual([]);
    for (const t of doc.tables) {
      expect(unknownKeys(t, CLI_KEYS.table), String(t.$id)).toEqual([]);
      for (const c of t.columns as object[]) expect(unknownKeys(c, CLI_KEYS.column), String(t.$id)).toEqual([]);
      for (const i of t.indexes as object[]) expect(unknownKeys(i, CLI_KEYS.index), String(t.$id)).toEqual([]);
    }
    const credentials = doc.tables.find((t) => t.$id === 'staff_credentials')!;
    expect(credentials.$permissions).toEqual([]);
  });
});
