/**
 * Types of Appwrite's Functions runtime contract (Node runtime): an entry receives
 * `{ req, res, log, error }` and returns what `res.*` built (Appwrite docs, "Functions > Develop >
 * Context object"). Shared by Tillgate's functions and the emulator that runs them; types only.
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
   * The function's environment. Real Appwrite sets `process.env`; the embedded emulator runs
   * many functions in one process and passes it here instead. Entries read `env ?? process.env`.
   */
  env?: Record<string, string>;
}

export type FunctionHandler = (context: FunctionContext) => Promise<FunctionResult | undefined> | FunctionResult | undefined;
