/**
 * Builds the Appwrite CLI 12 project file (`appwrite.json`) from `collections/` and
 * `functions/definitions.ts` (pure, deterministic). Keys per the CLI's config:
 * `projectId`, `tablesDB`, `tables` (with `columns` and `indexes`), `functions`.
 * @module
 */
import type { TableDefinition } from '../collections/index.js';
import type { FunctionDeployment } from '../functions/definitions.js';

export interface AppwriteJson {
  projectId: string;
  projectName: string;
  tablesDB: { $id: string; name: string; enabled: boolean }[];
  tables: Record<string, unknown>[];
  functions: Record<string, unknown>[];
}

function column(c: TableDefinition['columns'][number]): Record<string, unknown> {
  const out: Record<string, unknown> = { key: c.key, type: c.type, required: c.required, array: c.array ?? false };
  if (c.type === 'string') {
    if (c.format) out.format = c.format;
    if (c.format === 'enum') out.elements = c.elements ?? [];
    if (!c.format || c.format === 'enum') out.size = c.size;
  }
  if (c.type === 'integer' || c.type === 'double') {
    if (c.min !== undefined) out.min = c.min;
    if (c.max !== undefined) out.max = c.max;
  }
  out.default = c.default ?? null;
  return out;
}

/** The whole file for `projectId`. */
export function buildAppwriteJson(projectId: string, databaseId: string, databaseName: string, tables: readonly TableDefinition[], functions: readonly FunctionDeployment[]): AppwriteJson {
  return {
    projectId,
    projectName: 'Tillgate',
    tablesDB: [{ $id: databaseId, name: databaseName, enabled: true }],
    tables: tables.map((t) => ({
      $id: t.$id,
      $permissions: [...t.permissions],
      databaseId,
      name: t.name,
      enabled: true,
      rowSecurity: t.rowSecurity,
      columns: t.columns.map(column),
      indexes: t.indexes.map((i) => ({ key: i.key, type: i.type, status: 'available', columns: [...i.columns], orders: i.orders ? [...i.orders] : i.columns.map(() => 'ASC') })),
    })),
    functions: functions.map((f) => ({
      $id: f.$id,
      name: f.name,
      runtime: f.runtime,
      specification: 's-1vcpu-512mb',
      execute: [...f.execute],
      events: [...f.events],
      scopes: [...f.scopes],
      schedule: f.schedule,
      timeout: f.timeout,
      enabled: true,
      logging: true,
      entrypoint: 'dist/main.js',
      commands: '',
      path: `functions/${f.$id}`,
      // `appwrite push` honours the folder's .gitignore; upload only the self-contained bundle.
      ignore: ['*.ts', '*.test.ts', 'README.md', 'node_modules'],
    })),
  };
}

/** Deterministic JSON text of the file (2-space indent, trailing newline). */
export function renderAppwriteJson(json: AppwriteJson): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Differences between two renderings, as the first differing lines (for a readable test failure). */
export function diffLines(expected: string, actual: string): string[] {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < 10; i++) {
    if (a[i] !== b[i]) out.push(`line ${i + 1}: expected ${JSON.stringify(a[i])} got ${JSON.stringify(b[i])}`);
  }
  return out;
}
