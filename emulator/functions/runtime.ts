/**
 * The Node runtime of Appwrite Functions (open-runtimes v5, `node-22`) in-process: builds the
 * `{ req, res, log, error, env }` context, runs the entry with the function's timeout, and turns
 * what it returned or threw into a response, logs and errors as the runtime would.
 * Source: Appwrite docs "Functions > Develop > Context object" and open-runtimes' Node server.
 * @module
 */
import { inspect } from 'node:util';
import type { FunctionContext, FunctionHandler, FunctionRequest, FunctionResponse, FunctionResult } from './types.js';

/** Logs and errors keep their last 4,000 characters (Execution model, `logs`/`errors`). */
export const MAX_LOG_CHARS = 4000;

/** What one run of an entry produced. */
export interface RunOutcome {
  result: FunctionResult;
  logs: string;
  errors: string;
  /** Wall time of the run, seconds. */
  duration: number;
}

/** The HTTP request a function receives. */
export interface RuntimeRequest {
  method: string;
  /** Path and query, e.g. `/orders?id=5`; always starts with `/`. */
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
  /** Host, scheme and port the request appears to be addressed to. */
  host: string;
  scheme: string;
  port: number;
}

function jsonHeaders(headers: Record<string, string> | undefined, type: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  out['content-type'] ??= type;
  return out;
}

/** `context.res`: each method returns the result the entry must `return`. */
export function createResponse(): FunctionResponse {
  const text = (body: string, statusCode = 200, headers?: Record<string, string>): FunctionResult => ({
    body,
    statusCode,
    headers: jsonHeaders(headers, 'text/plain'),
  });
  return {
    text,
    send: text,
    json: (body, statusCode = 200, headers) => ({ body: JSON.stringify(body), statusCode, headers: jsonHeaders(headers, 'application/json') }),
    empty: () => ({ body: '', statusCode: 204, headers: {} }),
    redirect: (url, statusCode = 301, headers) => ({ body: '', statusCode, headers: { ...jsonHeaders(headers, 'text/plain'), location: url } }),
    binary: (bytes, statusCode = 200, headers) => ({
      body: Buffer.from(bytes).toString('latin1'),
      statusCode,
      headers: jsonHeaders(headers, 'application/octet-stream'),
    }),
  };
}

/** `context.req` for a request; `bodyJson` throws on a non-JSON body, as in the runtime. */
export function createRequest(r: RuntimeRequest): FunctionRequest {
  const url = new URL(r.path.startsWith('/') ? r.path : `/${r.path}`, `${r.scheme}://${r.host}:${r.port}`);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const isJson = (r.headers['content-type'] ?? '').startsWith('application/json');
  const req = {
    bodyText: r.body,
    bodyBinary: Buffer.from(r.body, 'utf8'),
    headers: { ...r.headers },
    method: r.method.toUpperCase(),
    host: r.host,
    scheme: r.scheme,
    query,
    queryString: url.search.replace(/^\?/, ''),
    port: r.port,
    url: `${r.scheme}://${r.host}:${r.port}${url.pathname}${url.search}`,
    path: url.pathname,
  } as FunctionRequest;
  Object.defineProperty(req, 'bodyJson', { enumerable: true, get: () => JSON.parse(r.body === '' ? '{}' : r.body) as unknown });
  Object.defineProperty(req, 'body', {
    enumerable: true,
    get: () => (isJson ? req.bodyJson : r.body),
  });
  return req;
}

function formatLog(parts: unknown[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? (p.stack ?? p.message) : inspect(p, { depth: 6, breakLength: Infinity }))).join(' ');
}

const tail = (s: string) => (s.length > MAX_LOG_CHARS ? s.slice(-MAX_LOG_CHARS) : s);

/**
 * Runs `handler` once. Never throws: a throw, a missing return value or a timeout becomes a
 * 500 response with the reason in `errors` (what the Node runtime answers).
 * @param timeoutSeconds the function's timeout, seconds (Appwrite default 15).
 */
export async function runHandler(
  handler: FunctionHandler,
  request: RuntimeRequest,
  env: Record<string, string>,
  timeoutSeconds: number,
): Promise<RunOutcome> {
  const logs: string[] = [];
  const errors: string[] = [];
  const res = createResponse();
  const context: FunctionContext = {
    req: createRequest(request),
    res,
    log: (...m) => void logs.push(formatLog(m)),
    error: (...m) => void errors.push(formatLog(m)),
    env: { ...env },
  };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let result: FunctionResult;
  try {
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
    });
    const outcome = await Promise.race([Promise.resolve().then(() => handler(context)), timeout]);
    if (outcome === 'timeout') {
      errors.push(`Operation timed out after ${timeoutSeconds} seconds.`);
      result = res.text('', 500);
    } else if (outcome === undefined || outcome === null) {
      errors.push('Return statement missing. return context.res.empty() if no response is expected.');
      result = res.text('', 500);
    } else {
      result = outcome;
    }
  } catch (e) {
    errors.push(formatLog([e]));
    result = res.text('', 500);
  } finally {
    clearTimeout(timer);
  }
  return {
    result,
    logs: tail(logs.join('\n')),
    errors: tail(errors.join('\n')),
    duration: Math.round(performance.now() - started) / 1000,
  };
}
