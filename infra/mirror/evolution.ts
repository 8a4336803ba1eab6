/**
 * Schema evolution of the mirror (issue 8 item 6): the SQL of a migration that brings MariaDB to
 * what `collections/` declares: `CREATE TABLE` for a new table, `ALTER TABLE … ADD COLUMN IF NOT
 * EXISTS` for a new column, then an `UPDATE` that moves the values the mirror kept in `extra`
 * (while the column did not exist) into the new column and removes them from `extra`. Columns
 * are only ever added (forward-only; a column removed from `collections/` keeps its data).
 * @module
 */
import type { LiveColumn } from '../../core/mirror/parity.js';
import { addColumnSql, createTableSql, mirrorTables, type MirrorColumn, type MirrorSourceTable } from '../../core/mirror/schema.js';

const q = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** SQL expression reading key `key` of `extra` as a value of the column's type (Appwrite datetimes are UTC). */
function fromExtra(c: MirrorColumn, key: string): string {
  const path = `'$."${key.replace(/["'\\]/g, '')}"'`;
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
 * The migration body bringing `live` (the columns an up-to-date database has, from
 * `readLiveColumns`) to `tables`, or null when nothing is missing.
 */
export function planMirrorMigration(tables: readonly MirrorSourceTable[], live: readonly LiveColumn[]): string | null {
  const byTable = new Map<string, Set<string>>();
  for (const c of live) {
    const set = byTable.get(c.table) ?? new Set<string>();
    set.add(c.column);
    byTable.set(c.table, set);
  }
  const out: string[] = [];
  for (const t of mirrorTables(tables)) {
    const have = byTable.get(t.name);
    if (!have) {
      out.push(`-- New table ${t.sourceTableId}.`, createTableSql(t), `ALTER TABLE ${q(t.name)} MODIFY \`id\` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;`, '');
      continue;
    }
    let previous = 'id';
    for (const c of t.columns) {
      if (!have.has(c.name)) {
        const key = c.sourceKey ?? c.name;
        out.push(`-- ${t.sourceTableId}.${key}: new column; values kept in extra until now move into it.`);
        out.push(addColumnSql(t.name, c, previous));
        if (c.sourceKey !== undefined && have.has('extra')) {
          const path = `'$."${key.replace(/["'\\]/g, '')}"'`;
          out.push(`UPDATE ${q(t.name)} SET ${q(c.name)} = ${fromExtra(c, key)}, \`extra\` = NULLIF(JSON_REMOVE(\`extra\`, ${path}), '{}') WHERE JSON_EXISTS(\`extra\`, ${path});`);
        }
        out.push('');
      }
      previous = c.name;
    }
  }
  return out.length === 0 ? null : out.join('\n');
}
