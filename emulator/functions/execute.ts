/**
 * One execution of a registered function: mints the per-execution API key, builds the headers
 * and environment Appwrite gives a function, runs the entry, and records the Execution model in
 * `state.executions`.
 * @module
 */
import type { Emulator } from '../emulator.js';
import { APPWRITE_VERSION } from '../spec.js';
import type { ExecutionRecord } from '../state.js';
import { isoNow, sha256, uniqueId } from '../util.js';
import type { ExecutionRequest } from './registry.js';
import { runHandler } from './runtime.js';
import type { FunctionDefinition } from './types.js';

/** A registered function with what the emulator adds to its definition. */
export interface RegisteredFunction {
  def: FunctionDefinition;
  /** Stands in for the active deployment (one per registration). */
  deploymentId: string;
  createdAt: string;
  updatedAt: string;
}

/** Executions kept in the state; the oldest go first (Appwrite prunes by retention). */
export const MAX_STORED_EXECUTIONS = 10_000;
/** Name prefix of the per-execution keys, so expired ones can be purged. */
const EXECUTION_KEY_PREFIX = 'function-execution:';
/** Caller-set headers that Appwrite overwrites or drops (they carry identity). */
const RESERVED_HEADER = /^x-appwrite-/;
/** Headers never stored in the Execution model (secrets). */
const SECRET_HEADERS = new Set(['x-appwrite-key', 'x-appwrite-user-jwt', 'authorization', 'cookie']);

interface Deps {
  emu: Emulator;
  endpoint: string;
}

interface RunOptions {
  trigger: 'http' | 'event' | 'schedule';
  /** First event name, for `x-appwrite-event`. */
  event?: string;
  /** Called with the `waiting` record before the run starts (async executions). */
  onWaiting?: (record: ExecutionRecord) => void;
}

/** The environment of a function (Appwrite-injected names win over the function's variables). */
export function functionEnv(emu: Emulator, endpoint: string, fn: RegisteredFunction): Record<string, string> {
  return {
    ...(fn.def.variables ?? {}),
    APPWRITE_FUNCTION_API_ENDPOINT: endpoint,
    APPWRITE_FUNCTION_PROJECT_ID: emu.projectId,
    APPWRITE_FUNCTION_ID: fn.def.$id,
    APPWRITE_FUNCTION_NAME: fn.def.name ?? fn.def.$id,
    APPWRITE_FUNCTION_DEPLOYMENT: fn.deploymentId,
    APPWRITE_FUNCTION_RUNTIME_NAME: 'Node.js',
    APPWRITE_FUNCTION_RUNTIME_VERSION: '22',
    APPWRITE_FUNCTION_CPUS: '1',
    APPWRITE_FUNCTION_MEMORY: '512',
    APPWRITE_VERSION,
    APPWRITE_REGION: 'default',
  };
}

/**
 * Creates the `x-appwrite-key` of one execution: exactly the function's scopes, expiring after
 * timeout + 60 s (Appwrite's dynamic keys). Expired execution keys are purged on the way.
 */
/** Execution keys minted by each emulator, oldest first, so expired ones are purged without scanning every API key. */
const mintedKeys = new WeakMap<Emulator, { digest: string; expireMs: number }[]>();

function mintExecutionKey(emu: Emulator, fn: RegisteredFunction, executionId: string, timeoutSeconds: number): string {
  const now = Date.now();
  let minted = mintedKeys.get(emu);
  if (!minted) {
    // First execution of this emulator: execution keys restored from the data file are scanned once.
    minted = [];
    for (const [digest, key] of emu.state.apiKeys) {
      if (key.name.startsWith(EXECUTION_KEY_PREFIX) && key.expire !== null) minted.push({ digest, expireMs: Date.parse(key.expire) });
    }
    minted.sort((a, b) => a.expireMs - b.expireMs);
    mintedKeys.set(emu, minted);
  }
  // Keys expire in minting order for equal timeouts; a longer-lived key at the head only delays the purge of later ones.
  let expired = 0;
  while (expired < minted.length && minted[expired]!.expireMs <= now) emu.state.apiKeys.delete(minted[expired++]!.digest);
  if (expired > 0) minted.splice(0, expired);
  const secret = emu.createApiKey(`${EXECUTION_KEY_PREFIX}${fn.def.$id}:${executionId}`, fn.def.scopes ?? []);
  const digest = sha256(secret);
  const record = emu.state.apiKeys.get(digest);
  const expireMs = now + (timeoutSeconds + 60) * 1000;
  if (record) record.expire = isoNow(expireMs);
  minted.push({ digest, expireMs });
  return secret;
}

function store(emu: Emulator, record: ExecutionRecord): void {
  const executions = emu.state.executions;
  executions.set(record.$id, record);
  while (executions.size > MAX_STORED_EXECUTIONS) {
    const oldest = executions.keys().next().value;
    if (oldest === undefined) break;
    executions.delete(oldest);
  }
  emu.changed();
}

/** Runs `fn` for `request` and returns its final Execution record; never throws for handler faults. */
export async function runExecution(deps: Deps, fn: RegisteredFunction, request: ExecutionRequest, options: RunOptions): Promise<ExecutionRecord> {
  const { emu, endpoint } = deps;
  const timeout = fn.def.timeout ?? 15;
  const executionId = uniqueId();
  const key = mintExecutionKey(emu, fn, executionId, timeout);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) {
    const name = k.toLowerCase();
    if (!RESERVED_HEADER.test(name)) headers[name] = v;
  }
  if (options.trigger === 'event') headers['content-type'] = 'application/json';
  Object.assign(headers, {
    'x-appwrite-trigger': options.trigger,
    'x-appwrite-event': options.event ?? '',
    'x-appwrite-key': key,
    'x-appwrite-user-id': request.userId ?? '',
    'x-appwrite-user-jwt': request.userJwt ?? '',
    'x-appwrite-execution-id': executionId,
    'x-appwrite-country-code': '',
    'x-appwrite-continent-code': '',
    'x-appwrite-continent-eu': 'false',
  });
  const method = (request.method ?? 'POST').toUpperCase();
  const path = request.path && request.path.length > 0 ? request.path : '/';
  const now = isoNow();
  const record: ExecutionRecord = {
    $id: executionId,
    $createdAt: now,
    $updatedAt: now,
    $permissions: request.permissions ?? [],
    functionId: fn.def.$id,
    deploymentId: fn.deploymentId,
    trigger: options.trigger,
    status: options.onWaiting ? 'waiting' : 'processing',
    requestMethod: method,
    requestPath: path,
    requestHeaders: Object.entries(headers)
      .filter(([k]) => !SECRET_HEADERS.has(k))
      .map(([name, value]) => ({ name, value })),
    responseStatusCode: 0,
    responseBody: '',
    responseHeaders: [],
    logs: '',
    errors: '',
    duration: 0,
  };
  store(emu, record);
  if (options.onWaiting) {
    options.onWaiting(structuredClone(record));
    await new Promise((resolve) => setImmediate(resolve));
    record.status = 'processing';
    record.$updatedAt = isoNow();
  }
  const url = new URL(endpoint);
  const outcome = await runHandler(
    fn.def.handler,
    {
      method,
      path,
      headers,
      body: request.body ?? '',
      host: url.hostname,
      scheme: url.protocol.replace(':', ''),
      port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    },
    functionEnv(emu, endpoint, fn),
    timeout,
  );
  Object.assign(record, {
    $updatedAt: isoNow(),
    status: outcome.result.statusCode >= 500 ? 'failed' : 'completed',
    responseStatusCode: outcome.result.statusCode,
    // Appwrite keeps the response body only for synchronous executions (Execution model doc).
    responseBody: options.onWaiting || options.trigger !== 'http' ? '' : outcome.result.body,
    responseHeaders: Object.entries(outcome.result.headers).map(([name, value]) => ({ name, value })),
    logs: outcome.logs,
    errors: outcome.errors,
    duration: outcome.duration,
  } satisfies Partial<ExecutionRecord>);
  store(emu, record);
  return structuredClone(record);
}
