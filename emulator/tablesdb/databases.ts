/**
 * TablesDB databases: `GET|POST /v1/tablesdb`, `GET|PUT|DELETE /v1/tablesdb/{databaseId}`
 * (Appwrite 1.9 `tablesDB.list/create/get/update/delete`; scopes `databases.read|write`).
 * @module
 */
import { Hono } from 'hono';
import { requireScope } from '../auth.js';
import type { EmulatorEnv } from '../context.js';
import { fail } from '../errors.js';
import { bool, readBody, reqStr, str } from '../params.js';
import type { DatabaseRecord } from '../state.js';
import { isoNow, resolveId } from '../util.js';
import { getDatabase, listParams, schemaChanged } from './common.js';
import { META_SCHEMAS, listMeta } from './list.js';
import { databaseModel } from './models.js';

/** Longest database or table name Appwrite accepts, chars. */
export const NAME_MAX = 128;

/** Routes mounted at `/v1/tablesdb` for databases. */
export function databaseRoutes(app: Hono<EmulatorEnv>): void {
  app.get('/', requireScope('databases.read'), (c) => {
    const p = listParams(c);
    const all = [...c.get('emu').state.databases.values()].filter((d) => d.type === 'tablesdb');
    const res = listMeta(all, {
      ...p,
      attributes: META_SCHEMAS.databases,
      get: (d, a) => (d as unknown as Record<string, unknown>)[a],
      idOf: (d) => d.$id,
      searchText: (d) => `${d.$id} ${d.name}`,
    });
    return c.json({ total: res.total, databases: res.items.map(databaseModel) });
  });

  app.post('/', requireScope('databases.write'), async (c) => {
    const body = await readBody(c);
    const id = resolveId('databaseId', body.databaseId);
    const name = reqStr(body, 'name', { max: NAME_MAX });
    const enabled = bool(body, 'enabled') ?? true;
    const state = c.get('emu').state;
    if (state.databases.has(id)) fail('database_already_exists', 'Database already exists');
    const now = isoNow();
    const db: DatabaseRecord = { $id: id, $createdAt: now, $updatedAt: now, name, enabled, type: 'tablesdb', tables: new Map() };
    state.databases.set(id, db);
    schemaChanged(c, [`databases.${id}.create`], databaseModel(db));
    return c.json(databaseModel(db), 201);
  });

  app.get('/:databaseId', requireScope('databases.read'), (c) => c.json(databaseModel(getDatabase(c, c.req.param('databaseId')))));

  app.put('/:databaseId', requireScope('databases.write'), async (c) => {
    const db = getDatabase(c, c.req.param('databaseId'));
    const body = await readBody(c);
    const name = str(body, 'name', { max: NAME_MAX });
    if (name !== undefined) {
      if (name.length === 0) reqStr(body, 'name', { max: NAME_MAX });
      db.name = name;
    }
    const enabled = bool(body, 'enabled');
    if (enabled !== undefined) db.enabled = enabled;
    db.$updatedAt = isoNow();
    schemaChanged(c, [`databases.${db.$id}.update`], databaseModel(db));
    return c.json(databaseModel(db));
  });

  app.delete('/:databaseId', requireScope('databases.write'), (c) => {
    const db = getDatabase(c, c.req.param('databaseId'));
    c.get('emu').state.databases.delete(db.$id);
    schemaChanged(c, [`databases.${db.$id}.delete`], databaseModel(db));
    return c.body(null, 204);
  });
}
