/**
 * The typed entry wrapper of every Tillgate Appwrite Function (reference/model-codebases.md §6.5).
 *
 * Per cold start (per `defineFunction` instance): config parsed once from the function's
 * environment (`context.env` in the embedded emulator, `process.env` on Appwrite) and long-lived
 * resources built once by `setup` (MariaDB pool, Redis). Per execution: an Appwrite admin client
 * from the per-execution `x-appwrite-key` header (Appwrite gives functions no key variable), a
 * child logger `{ fn, executionId, trigger, event }` writing through `context.log`/`context.error`,
 * trigger check, zod validation of an HTTP body, then `handle`. Every failure answers the common
 * envelope: {@link AppError} with its status, anything else `INTERNAL` (stack only in the log).
 * @module
 */
import * as z from 'zod';
import { pino } from 'pino';
import { parseConfig, type Config } from '../../core/config.js';
import { AppError, toErrorEnvelope } from '../../core/errors.js';
import type { FunctionContext, FunctionHandler, FunctionResult } from '../../core/function-runtime.js';
import { createAppwriteAdmin, type AppwriteAdmin } from '../../infra/appwrite.js';
import { LOG_FORMATTERS, type Logger } from '../../infra/logger.js';

export type Trigger = 'http' | 'event' | 'schedule';

/** What a handler receives besides its input. */
export interface ExecutionContext {
  log: Logger;
  executionId: string;
  trigger: Trigger;
  /** `x-appwrite-event` (first generated event name), '' unless trigger is `event`. */
  event: string;
  /** `x-appwrite-user-id`: the session user behind the write or execution ('' for API keys). */
  userId: string;
  /** Admin client holding exactly the function's scopes (from `x-appwrite-key`). */
  appwrite: AppwriteAdmin;
  config: Config;
  /** All request headers, lower-cased. */
  headers: Record<string, string>;
}

export interface FunctionDefinition<I, R, O> {
  /** Function id, as in `appwrite.json`. */
  name: string;
  triggers: readonly Trigger[];
  /** Schema of the input: the JSON body for `http`, the event payload for `event`. */
  input: z.ZodType<I>;
  /** Long-lived resources, built once per cold start. */
  setup: (config: Config, log: Logger) => R | Promise<R>;
  handle: (input: I, resources: R, ctx: ExecutionContext) => Promise<O>;
  /** HTTP status of a success answer (default 200). */
  successStatus?: number;
}

function loggerFor(context: FunctionContext, level: string): Logger {
  return pino(
    { level, base: undefined, formatters: LOG_FORMATTERS },
    { write: (line: string) => (/"level":"(error|fatal)"/.test(line) ? context.error(line.trimEnd()) : context.log(line.trimEnd())) },
  );
}

/**
 * Wraps a handler into an Appwrite entry `(context) => res.json(...)`.
 * @returns the default export of the function's `main.ts`.
 */
export function defineFunction<I, R, O>(def: FunctionDefinition<I, R, O>): FunctionHandler {
  let boot: Promise<{ config: Config; resources: R }> | undefined;

  return async function entry(context: FunctionContext): Promise<FunctionResult> {
    const env = context.env ?? (process.env as Record<string, string>);
    const headers = context.req.headers;
    const executionId = headers['x-appwrite-execution-id'] ?? 'local';
    const trigger = (headers['x-appwrite-trigger'] ?? 'http') as Trigger;
    const event = headers['x-appwrite-event'] ?? '';
    let log = loggerFor(context, env.LOG_LEVEL ?? 'info').child({ fn: def.name, executionId, trigger, ...(event ? { event } : {}) });
    try {
      boot ??= (async () => {
        const config = parseConfig(env);
        return { config, resources: await def.setup(config, log) };
      })();
      const { config, resources } = await boot.catch((e: unknown) => {
        boot = undefined;
        throw e;
      });
      log = log.child({}, { level: config.LOG_LEVEL });
      if (!def.triggers.includes(trigger)) throw new AppError('BAD_REQUEST', `${def.name} does not accept ${trigger} triggers.`);
      const key = headers['x-appwrite-key'];
      const endpoint = env.APPWRITE_FUNCTION_API_ENDPOINT;
      const projectId = env.APPWRITE_FUNCTION_PROJECT_ID;
      if (!key || !endpoint || !projectId) {
        throw new AppError('INTERNAL', 'The function runtime gave no API key or endpoint.', { cause: new Error('missing x-appwrite-key / APPWRITE_FUNCTION_API_ENDPOINT / APPWRITE_FUNCTION_PROJECT_ID') });
      }
      const parsed = def.input.safeParse(context.req.bodyJson ?? (context.req.bodyText === '' ? {} : undefined));
      if (!parsed.success) {
        throw new AppError('VALIDATION_FAILED', 'The input is invalid.', {
          details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        });
      }
      const out = await def.handle(parsed.data, resources, {
        log,
        executionId,
        trigger,
        event,
        userId: headers['x-appwrite-user-id'] ?? '',
        appwrite: createAppwriteAdmin({ endpoint, projectId, apiKey: key }),
        config,
        headers,
      });
      return context.res.json(out ?? {}, def.successStatus ?? 200);
    } catch (err) {
      const { status, body, retryAfterSeconds } = toErrorEnvelope(err, executionId);
      if (status >= 500) log.error({ err }, 'execution failed');
      else log.info({ code: body.error.code }, 'execution refused');
      return context.res.json(body, status, retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) });
    }
  };
}

export { z };
