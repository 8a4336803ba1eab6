/**
 * The Appwrite Functions runtime contract (Node runtime): a function's entry receives
 * `{ req, res, log, error }` and returns what `res.*` built. See Appwrite docs,
 * "Functions > Develop > Context object".
 * @module
 */

export interface FunctionRequest {
  bodyText: string;
  bodyJson: unknown;
  /** Same as bodyJson when the body is JSON, else bodyText (Appwrite's `req.body`). */
  body: unknown;
  bodyBinary: Buffer;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  method: string;
  host: string;
  scheme: string;
  query: Record<string, string>;
  queryString: string;
  port: number;
  url: string;
  path: string;
}

export interface FunctionResult {
  body: string;
  statusCode: number;
  headers: Record<string, string>;
}

export interface FunctionResponse {
  text(body: string, statusCode?: number, headers?: Record<string, string>): FunctionResult;
  json(body: unknown, statusCode?: number, headers?: Record<string, string>): FunctionResult;
  empty(): FunctionResult;
  redirect(url: string, statusCode?: number, headers?: Record<string, string>): FunctionResult;
  send(body: string, statusCode?: number, headers?: Record<string, string>): FunctionResult;
  binary(bytes: Buffer | Uint8Array, statusCode?: number, headers?: Record<string, string>): FunctionResult;
}

export interface FunctionContext {
  req: FunctionRequest;
  res: FunctionResponse;
  log(...message: unknown[]): void;
  error(...message: unknown[]): void;
  /**
   * The emulator's in-process stand-in for `process.env`: the variables a real Appwrite function
   * sees (`APPWRITE_FUNCTION_API_ENDPOINT`, `APPWRITE_FUNCTION_PROJECT_ID`, `APPWRITE_FUNCTION_ID`,
   * ...) plus the function's own `variables`. Many functions share one process, so the emulator
   * never mutates `process.env`; an entry should read `context.env ?? process.env`.
   */
  env?: Record<string, string>;
}

export type FunctionHandler = (context: FunctionContext) => Promise<FunctionResult | undefined> | FunctionResult | undefined;

/** A function registered in-process, with the fields of `appwrite.json`'s function entries. */
export interface FunctionDefinition {
  $id: string;
  name?: string;
  /** Event subscriptions, e.g. `users.*`, `databases.*.tables.*.rows.*`. */
  events?: string[];
  /** Scopes of the per-execution key sent as `x-appwrite-key`. */
  scopes?: string[];
  /** Seconds (Appwrite default 15). */
  timeout?: number;
  /** Roles allowed to execute it, e.g. `any`, `users`; API keys always may. */
  execute?: string[];
  /** The function's own variables, passed in the environment object. */
  variables?: Record<string, string>;
  /** Whether it runs at all (default true); a disabled function is skipped for events and refused for executions. */
  enabled?: boolean;
  handler: FunctionHandler;
}
