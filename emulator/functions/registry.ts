/**
 * In-process function registry: functions registered with `emu.functions.register(def)` run on
 * the events they subscribe to and through `functions.createExecution`, with Appwrite's headers,
 * per-execution API key and environment, and every run is recorded as an Execution model.
 *
 * Rules kept from Appwrite 1.9 (Functions worker, `app/controllers/api/functions.php`):
 * one event write runs a matching function once, whichever of its names matched; failed event
 * executions are not retried; the `x-appwrite-key` holds exactly the function's `scopes` and
 * expires after timeout + 60 s; disabled functions do not run on events.
 * @module
 */
import type { Emulator } from '../emulator.js';
import { matchesSubscriptions, type EmittedEvent } from '../events.js';
import type { ExecutionRecord } from '../state.js';
import { isValidUid, uniqueId } from '../util.js';
import { DeliveryScheduler, type DeliveryStats } from './delivery.js';
import { runExecution, type RegisteredFunction } from './execute.js';
import type { FunctionDefinition } from './types.js';

export interface ExecutionRequest {
  body?: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  /** The session user executing it (sent as `x-appwrite-user-id`), empty for keys. */
  userId?: string;
  userJwt?: string;
  /** Execution `$permissions` (Appwrite gives a user's execution `read("user:<id>")`). */
  permissions?: string[];
}

export interface FunctionRegistry {
  /**
   * Registers (or replaces) a function.
   * @throws Error when `$id` is not a valid Appwrite id or `timeout` is outside 1..900 s.
   */
  register(def: FunctionDefinition): void;
  unregister(id: string): void;
  get(id: string): RegisteredFunction | undefined;
  list(): RegisteredFunction[];
  /** Matches an event against subscriptions and schedules deliveries. */
  dispatch(event: EmittedEvent): void;
  /**
   * Runs a function. Sync: resolves with the finished Execution. Async: resolves at once with
   * the `waiting` Execution and runs it in the background.
   * @throws Error when the function is not registered (routes check first and answer 404).
   */
  execute(id: string, request: ExecutionRequest, options: { async: boolean; trigger: 'http' | 'event' | 'schedule' }): Promise<ExecutionRecord>;
  /** Resolves when no delivery or execution is pending or running. */
  idle(): Promise<void>;
  /** Sets the endpoint functions see as `APPWRITE_FUNCTION_API_ENDPOINT` (server.ts, once listening). */
  setEndpoint(endpoint: string): void;
  readonly endpoint: string;
  /** Deliveries and executions waiting or running now. */
  readonly pending: number;
  /** Deliveries scheduled, duplicated and dropped so far. */
  readonly stats: Readonly<DeliveryStats>;
}

/** Appwrite's largest function timeout, seconds (`_APP_FUNCTIONS_TIMEOUT` default 900). */
export const MAX_TIMEOUT_SECONDS = 900;
/** Timeout when a definition gives none, seconds (Appwrite's default). */
export const DEFAULT_TIMEOUT_SECONDS = 15;

/** Creates the registry of one emulator. */
export function createFunctionRegistry(emu: Emulator): FunctionRegistry {
  const defs = new Map<string, RegisteredFunction>();
  let endpoint = 'http://localhost/v1';
  let pending = 0;
  let waiters: (() => void)[] = [];
  const track = {
    begin: () => void pending++,
    end: () => {
      pending--;
      if (pending === 0) {
        // Re-check on the next turn: a finishing execution may have just emitted new events.
        setImmediate(() => {
          if (pending !== 0) return;
          const ready = waiters;
          waiters = [];
          for (const w of ready) w();
        });
      }
    },
  };
  const scheduler = new DeliveryScheduler(() => emu.events.delivery, track);
  const deps = () => ({ emu, endpoint });

  const registry: FunctionRegistry = {
    register(def) {
      if (!isValidUid(def.$id)) throw new Error(`function $id "${def.$id}" is not a valid Appwrite id`);
      const timeout = def.timeout ?? DEFAULT_TIMEOUT_SECONDS;
      if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_SECONDS) {
        throw new Error(`function ${def.$id}: timeout must be an integer between 1 and ${MAX_TIMEOUT_SECONDS} seconds`);
      }
      const previous = defs.get(def.$id);
      const now = new Date().toISOString().replace('Z', '+00:00');
      defs.set(def.$id, {
        def,
        deploymentId: uniqueId(),
        createdAt: previous?.createdAt ?? now,
        updatedAt: now,
      });
    },
    unregister: (id) => void defs.delete(id),
    get: (id) => defs.get(id),
    list: () => [...defs.values()],
    dispatch(event) {
      for (const fn of defs.values()) {
        if (fn.def.enabled === false || !matchesSubscriptions(event.names, fn.def.events ?? [])) continue;
        scheduler.schedule(async () => {
          // The function may have been unregistered while the delivery waited.
          if (defs.get(fn.def.$id) !== fn) return;
          await runExecution(deps(), fn, eventRequest(event), { trigger: 'event', event: event.names[0] ?? '' });
        });
      }
    },
    async execute(id, request, options) {
      const fn = defs.get(id);
      if (!fn) throw new Error(`function ${id} is not registered`);
      if (!options.async) {
        track.begin();
        try {
          return await runExecution(deps(), fn, request, { trigger: options.trigger });
        } finally {
          track.end();
        }
      }
      track.begin();
      let resolveWaiting: (r: ExecutionRecord) => void = () => undefined;
      const waiting = new Promise<ExecutionRecord>((resolve) => (resolveWaiting = resolve));
      void runExecution(deps(), fn, request, { trigger: options.trigger, onWaiting: resolveWaiting })
        .catch(() => undefined)
        .finally(() => track.end());
      return waiting;
    },
    idle() {
      if (pending === 0) return new Promise((resolve) => setImmediate(resolve));
      return new Promise((resolve) => waiters.push(resolve));
    },
    setEndpoint(url) {
      endpoint = url;
    },
    get endpoint() {
      return endpoint;
    },
    get stats() {
      return scheduler.stats;
    },
    get pending() {
      return pending;
    },
  };
  return registry;
}

function eventRequest(event: EmittedEvent): ExecutionRequest {
  return { body: JSON.stringify(event.payload ?? {}), method: 'POST', path: '/', headers: {}, userId: event.userId };
}
