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
    const credentials = doc.tables.find((t) => t.$id === 'staff_credentials')!;
    expect(credentials.$permissions).toEqual([]);
  });
});
