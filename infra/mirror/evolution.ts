/**
 * Schema evolution of the mirror (issue 8 item 6). While a column declared in `collections/` is
 * not yet in MariaDB, the mirror keeps its values in the row's `extra` JSON
 * (core/mirror/map-row.ts). Once the `ADD COLUMN` of `npm run migrations:new --from-collections`
 * (core/mirror/parity.ts `missingMirrorDdl`) exists, these statements move the kept values into
 * the new columns and remove them from `extra`, so nothing mirrored meanwhile is lost or left
 * behind. Appwrite datetimes are UTC (`…+00:00`), read as `DATETIME(3)`.
 * @module
 */
import type { LiveColumn } from '../../core/mirror/parity.js';
import { mirrorTables, type MirrorColumn, type MirrorSourceTable } from '../../core/mirror/schema.js';

const q = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** SQL expression reading JSON path `path` of `extra` as a value of the column's type. */
function fromExtra(c: MirrorColumn, path: string): string {
  const scalar = `JSON_VALUE(\`extra\`, ${path})`;
  switch (c.sqlType) {
    case 'JSON':
      return `JSON_EXTRACT(\`extra\`, ${path})`;
    case 'BIGINT':
      return `CAST(${scalar} AS SIGNED)`;
    case 'DOUBLE':
      return `CAST(${scalar} AS DOUBLE)`;
    case 'TINYINT(1)':
      return `CASE JSON_EXTRACT(\`extra\`, ${path}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END`;
    case 'DATETIME(3)':
      return `STR_TO_DATE(SUBSTRING(${scalar}, 1, 23), '%Y-%m-%dT%H:%i:%s.%f')`;
    default:
      return scalar;
  }
}

/**
 * One `UPDATE` per collection column missing from `live` (in an existing table that has
 * `extra`): copies `extra.<key>` into the column and removes the key (`extra` becomes NULL when
 * empty). Run after the column is added.
 */
export function moveExtraIntoNewColumnsSql(tables: readonly MirrorSourceTable[], live: readonly LiveColumn[]): string[] {
  const byTable = new Map<string, Set<string>>();
  for (const c of live) {
    const set = byTable.get(c.table) ?? new Set<string>();
    set.add(c.column);
    byTable.set(c.table, set);
  }
  const out: string[] = [];
  for (const t of mirrorTables(tables)) {
    const have = byTable.get(t.name);
    if (!have?.has('extra')) continue;
    for (const c of t.columns) {
      if (have.has(c.name) || c.sourceKey === undefined || c.sourceKey.startsWith('$')) continue;
      const path = `'$."${c.sourceKey.replace(/["'\\]/g, '')}"'`;
      out.push(`UPDATE ${q(t.name)} SET ${q(c.name)} = ${fromExtra(c, path)}, \`extra\` = NULLIF(JSON_REMOVE(\`extra\`, ${path}), '{}') WHERE JSON_EXISTS(\`extra\`, ${path});`);
    }
  }
  return out;
}
