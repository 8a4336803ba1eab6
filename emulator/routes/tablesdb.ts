/**
 * Appwrite 1.9's TablesDB API under `/v1/tablesdb`: databases, tables, columns, indexes and rows,
 * with Appwrite's parameters, response models, status codes, error types, permissions and
 * events. The pieces live in `emulator/tablesdb/`. Not emulated: transactions, relationship and
 * spatial columns, bigint columns, replicas/failover.
 * @module
 */
import { Hono } from 'hono';
import type { EmulatorEnv } from '../context.js';
import { columnRoutes } from '../tablesdb/columns.js';
import { databaseRoutes } from '../tablesdb/databases.js';
import { indexRoutes } from '../tablesdb/indexes.js';
import { rowBulkRoutes } from '../tablesdb/rows-bulk.js';
import { rowReadRoutes } from '../tablesdb/rows-read.js';
import { rowWriteRoutes } from '../tablesdb/rows-write.js';
import { tableRoutes } from '../tablesdb/tables.js';

/** The TablesDB app, mounted at `/v1/tablesdb` by `emulator/app.ts`. */
export function tablesDbRoutes(): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  databaseRoutes(app);
  tableRoutes(app);
  columnRoutes(app);
  indexRoutes(app);
  rowReadRoutes(app);
  rowWriteRoutes(app);
  rowBulkRoutes(app);
  return app;
}
