/**
 * The Appwrite Functions runtime contract (Node runtime): a function's entry receives
 * `{ req, res, log, error }` and returns what `res.*` built. See Appwrite docs,
 * "Functions > Develop > Context object".
 * @module
 */

// The runtime contract is shared with Tillgate's functions (core/function-runtime.ts).
import type { FunctionHandler } from '../../core/function-runtime.js';
export type { FunctionContext, FunctionHandler, FunctionRequest, FunctionResponse, FunctionResult } from '../../core/function-runtime.js';

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
