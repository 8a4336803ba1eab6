/**
 * In-process function registry. PLACEHOLDER interface; the delivery and execution engine is built
 * in this folder (see emulator/README.md).
 * @module
 */
import type { Emulator } from '../emulator.js';
import type { EmittedEvent } from '../events.js';
import type { ExecutionRecord } from '../state.js';
import type { FunctionDefinition } from './types.js';

export interface ExecutionRequest {
  body?: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  /** The session user executing it (sent as `x-appwrite-user-id`), empty for keys. */
  userId?: string;
  userJwt?: string;
}

export interface FunctionRegistry {
  register(def: FunctionDefinition): void;
  unregister(id: string): void;
  get(id: string): FunctionDefinition | undefined;
  list(): FunctionDefinition[];
  /** Matches an event against subscriptions and schedules deliveries. */
  dispatch(event: EmittedEvent): void;
  /** Runs a function synchronously or in the background; returns the Execution record. */
  execute(id: string, request: ExecutionRequest, options: { async: boolean; trigger: 'http' | 'event' | 'schedule' }): Promise<ExecutionRecord>;
  /** Resolves when no delivery or execution is pending or running. */
  idle(): Promise<void>;
}

export function createFunctionRegistry(emu: Emulator): FunctionRegistry {
  const defs = new Map<string, FunctionDefinition>();
  void emu;
  return {
    register: (def) => void defs.set(def.$id, def),
    unregister: (id) => void defs.delete(id),
    get: (id) => defs.get(id),
    list: () => [...defs.values()],
    dispatch: () => undefined,
    execute: () => Promise.reject(new Error('not implemented yet')),
    idle: () => Promise.resolve(),
  };
}
