/**
 * Functions REST (Appwrite 1.9, `/v1/functions`): list and get registered functions, create,
 * get, list and delete executions. Functions themselves are registered in-process
 * (`emu.functions.register`), not through `POST /functions`.
 *
 * Access (Appwrite `app/controllers/api/functions.php`): API keys need `functions.read` for
 * functions and `execution.read`/`execution.write` for executions; client callers may execute a
 * function only when one of its `execute` roles is theirs (else 401 `user_unauthorized`), see
 * only executions readable by them, and never see `logs`/`errors`. A disabled function is 404
 * `function_not_found` for clients.
 * @module
 */
import { Hono, type Context } from 'hono';
import { requireScope } from '../auth.js';
import { callerRoles, type EmulatorEnv } from '../context.js';
import { AppwriteError, fail, invalidParam } from '../errors.js';
import type { RegisteredFunction } from '../functions/execute.js';
import { executionModel, functionModel } from '../functions/model.js';
import { signJwt } from '../jwt.js';
import { bool, obj, queryArray, queryParams, readBody, str } from '../params.js';
import { parseQueries, runQuery, type AttributeSpec, type QuerySchema } from '../query/index.js';
import type { ExecutionRecord } from '../state.js';
import { isValidUid } from '../util.js';

/** HTTP methods an execution may use (Appwrite's `ExecutionMethod` enum). */
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);
/** Lifetime of the JWT handed to a function for a user caller, seconds (Appwrite: 900). */
const USER_JWT_SECONDS = 900;

const s = (type: AttributeSpec['type']): AttributeSpec => ({ type, array: false });
const EXECUTION_QUERY: QuerySchema = {
  attributes: new Map([
    ['$id', s('string')], ['$createdAt', s('datetime')], ['$updatedAt', s('datetime')],
    ['trigger', s('string')], ['status', s('string')], ['responseStatusCode', s('integer')],
    ['duration', s('double')], ['requestMethod', s('string')], ['requestPath', s('string')],
    ['deploymentId', s('string')],
  ]),
  resourceLabel: 'Execution',
};
const FUNCTION_QUERY: QuerySchema = {
  attributes: new Map([
    ['$id', s('string')], ['name', s('string')], ['enabled', s('boolean')], ['runtime', s('string')],
    ['deploymentId', s('string')], ['schedule', s('string')], ['live', s('boolean')],
  ]),
  resourceLabel: 'Function',
};

function pathId(c: Context<EmulatorEnv>, name: string): string {
  const v = c.req.param(name) ?? '';
  if (!isValidUid(v)) throw invalidParam(name, 'UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can\'t start with a special char');
  return v;
}

/** The function, or 404 `function_not_found` (also for a disabled one and a client caller). */
function findFunction(c: Context<EmulatorEnv>): RegisteredFunction {
  const id = pathId(c, 'functionId');
  const fn = c.get('emu').functions.get(id);
  const isKey = c.get('caller').kind === 'key';
  if (!fn || (fn.def.enabled === false && !isKey)) fail('function_not_found', 'Function with the requested ID could not be found.');
  return fn;
}

function canRead(c: Context<EmulatorEnv>, record: ExecutionRecord): boolean {
  const caller = c.get('caller');
  if (caller.kind === 'key') return true;
  const roles = new Set(callerRoles(caller));
  return record.$permissions.some((p) => {
    const m = /^read\("(.+)"\)$/.exec(p);
    return m !== null && roles.has(m[1]!);
  });
}

const get = (e: ExecutionRecord, attribute: string): unknown => (e as unknown as Record<string, unknown>)[attribute];

/** Routes under `/v1/functions`. */
export function functionRoutes(): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();

  app.get('/', requireScope('functions.read'), (c) => {
    const q = parseQueries(queryArray(c, 'queries'), FUNCTION_QUERY);
    const search = str(queryParams(c), 'search', { max: 256 })?.toLowerCase();
    const total = bool(queryParams(c), 'total');
    const models = c.get('emu').functions.list().map(functionModel);
    const found = runQuery(models, q, {
      get: (m, a) => m[a],
      tiebreakers: [{ attribute: '$createdAt', direction: 'asc' }, { attribute: '$id', direction: 'asc' }],
      findById: (id) => models.find((m) => m.$id === id),
      visible: (m) => !search || `${String(m.$id)} ${String(m.name)}`.toLowerCase().includes(search),
      includeTotal: total !== false,
      label: 'Function',
    });
    return c.json({ total: found.total, functions: found.items });
  });

  app.get('/:functionId', requireScope('functions.read'), (c) => c.json(functionModel(findFunction(c))));

  app.post('/:functionId/executions', requireScope('execution.write'), async (c) => {
    const p = await readBody(c);
    const fn = findFunction(c);
    const caller = c.get('caller');
    if (caller.kind !== 'key') {
      const roles = new Set(callerRoles(caller));
      if (!(fn.def.execute ?? []).some((r) => roles.has(r))) {
        fail('user_unauthorized', 'The current user is not authorized to perform the requested action.');
      }
    }
    const body = str(p, 'body', { max: 10 * 1024 * 1024 }) ?? '';
    const isAsync = bool(p, 'async') ?? false;
    const path = str(p, 'path', { max: 2048 }) ?? '/';
    if (!path.startsWith('/')) throw invalidParam('path', 'Value must be a valid string and start with /');
    const method = (str(p, 'method') ?? 'POST').toUpperCase();
    if (!METHODS.has(method)) throw invalidParam('method', `Value must be one of (${[...METHODS].join(', ')})`);
    const rawHeaders = obj(p, 'headers') ?? {};
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawHeaders)) {
      if (typeof v !== 'string') throw invalidParam('headers', 'Value must be a valid object of strings');
      headers[k] = v;
    }
    if (p.scheduledAt !== undefined && p.scheduledAt !== null) {
      throw new AppwriteError('general_argument_invalid', 'Scheduled executions are not supported by the emulator.');
    }
    const emu = c.get('emu');
    const request = {
      body,
      path,
      method,
      headers,
      userId: caller.kind === 'user' ? caller.user.$id : '',
      userJwt:
        caller.kind === 'user'
          ? signJwt({ userId: caller.user.$id, sessionId: caller.session.$id, exp: Math.floor(Date.now() / 1000) + USER_JWT_SECONDS }, emu.state.jwtSecret)
          : '',
      permissions: caller.kind === 'user' ? [`read("user:${caller.user.$id}")`] : [],
    };
    const record = await emu.functions.execute(fn.def.$id, request, { async: isAsync, trigger: 'http' });
    return c.json(executionModel(record, caller.kind !== 'key'), isAsync ? 202 : 201);
  });

  app.get('/:functionId/executions', requireScope('execution.read'), (c) => {
    const fn = findFunction(c);
    const q = parseQueries(queryArray(c, 'queries'), EXECUTION_QUERY);
    const total = bool(queryParams(c), 'total');
    const all = [...c.get('emu').state.executions.values()].filter((e) => e.functionId === fn.def.$id);
    const found = runQuery(all, q, {
      get,
      tiebreakers: [{ attribute: '$createdAt', direction: 'asc' }, { attribute: '$id', direction: 'asc' }],
      findById: (id) => all.find((e) => e.$id === id),
      visible: (e) => canRead(c, e),
      includeTotal: total !== false,
      countLimit: 5000,
      label: 'Execution',
    });
    const forClient = c.get('caller').kind !== 'key';
    return c.json({ total: found.total, executions: found.items.map((e) => executionModel(e, forClient)) });
  });

  app.get('/:functionId/executions/:executionId', requireScope('execution.read'), (c) => {
    const fn = findFunction(c);
    const id = pathId(c, 'executionId');
    const record = c.get('emu').state.executions.get(id);
    if (!record || record.functionId !== fn.def.$id || !canRead(c, record)) {
      fail('execution_not_found', 'Execution with the requested ID could not be found.');
    }
    return c.json(executionModel(record, c.get('caller').kind !== 'key'));
  });

  app.delete('/:functionId/executions/:executionId', requireScope('execution.write'), (c) => {
    const fn = findFunction(c);
    const id = pathId(c, 'executionId');
    const emu = c.get('emu');
    const record = emu.state.executions.get(id);
    if (!record || record.functionId !== fn.def.$id || c.get('caller').kind !== 'key') {
      fail('execution_not_found', 'Execution with the requested ID could not be found.');
    }
    if (record.status === 'waiting' || record.status === 'processing') {
      fail('execution_in_progress', 'Can\'t delete ongoing execution. Please wait for execution to finish before deleting it.');
    }
    emu.state.executions.delete(id);
    emu.changed();
    return c.body(null, 204);
  });

  return app;
}
