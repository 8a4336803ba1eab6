/**
 * Reading rows: `GET .../rows` (listRows) and `GET .../rows/{rowId}` (getRow); scopes
 * `rows.read` or `documents.read`.
 *
 * Permissions for client callers (Appwrite 1.9): listing a table whose permissions do not grant
 * `read` answers 401 `user_unauthorized` when `rowSecurity` is off, and only the rows the caller
 * may read when it is on (`total` counts those); getting an unreadable row answers 404
 * `row_not_found` either way. `total` is capped at 5000 (APP_LIMIT_COUNT); `total=false` answers 0.
 * @module
 */
import { Hono } from 'hono';
import { requireScope } from '../auth.js';
import type { EmulatorEnv } from '../context.js';
import { fail } from '../errors.js';
import { permissionRoles, unauthorized } from '../permissions.js';
import { parseQueries, runQuery } from '../query/index.js';
import { queryArray } from '../params.js';
import { listParams, tableFromPath } from './common.js';
import { rowModel } from './models.js';
import { COUNT_LIMIT, rowAllows, rowGetter, rowQuerySchema, tableAllows } from './row-store.js';

const READ = requireScope('rows.read', 'documents.read');

/** Routes for reading rows, mounted on the TablesDB app. */
export function rowReadRoutes(app: Hono<EmulatorEnv>): void {
  const base = '/:databaseId/tables/:tableId/rows';

  app.get(base, READ, (c) => {
    const { db, table } = tableFromPath(c);
    const roles = permissionRoles(c.get('caller'));
    const p = listParams(c);
    const q = parseQueries(p.queries, rowQuerySchema(table));
    const tableRead = tableAllows(table, 'read', roles);
    if (!tableRead && !table.rowSecurity) throw unauthorized('read', table.$permissions, roles!);
    const res = runQuery(table.rows.values(), q, {
      get: rowGetter,
      tiebreakers: [{ attribute: '$sequence', direction: 'asc' }],
      findById: (id) => table.rows.get(id),
      visible: tableRead ? undefined : (row) => rowAllows(table, row, 'read', roles),
      includeTotal: p.total,
      countLimit: COUNT_LIMIT,
      label: 'Row',
    });
    return c.json({ total: res.total, rows: res.items.map((r) => rowModel(db.$id, table, r, q.select)) });
  });

  app.get(`${base}/:rowId`, READ, (c) => {
    const { db, table } = tableFromPath(c);
    const q = parseQueries(queryArray(c, 'queries'), rowQuerySchema(table));
    if (q.filters.length > 0 || q.orders.length > 0 || q.cursor || q.random) {
      fail('general_query_invalid', 'Invalid query: Only select queries are allowed when getting a single row.');
    }
    const row = table.rows.get(c.req.param('rowId'));
    if (!row || !rowAllows(table, row, 'read', permissionRoles(c.get('caller')))) fail('row_not_found', 'Row with the requested ID could not be found.');
    return c.json(rowModel(db.$id, table, row, q.select));
  });
}
