/**
 * The emulator instance: state, API keys, the event bus and the in-process function registry.
 * Route modules receive it through `c.var.emu`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createEventBus, type DeliveryOptions, type EmittedEvent, type EventBus } from './events.js';
import { createFunctionRegistry, type FunctionRegistry } from './functions/registry.js';
import { createState, type EmulatorState } from './state.js';
import { ALL_KEY_SCOPES } from './scopes.js';
import { sha256, uniqueId } from './util.js';

export interface EmulatorOptions {
  /** Project id callers must send as `X-Appwrite-Project` (default `tillgate`). */
  projectId?: string;
  /** Secret of the bootstrap API key holding every scope (default: random). */
  apiKey?: string;
  /** Initial event delivery behaviour. */
  delivery?: DeliveryOptions;
  /** A prebuilt state (loaded from a data file). */
  state?: EmulatorState;
}

export interface Emulator {
  readonly projectId: string;
  readonly state: EmulatorState;
  readonly events: EventBus;
  readonly functions: FunctionRegistry;
  /** Marks the state as changed so persistence snapshots it; call after every mutation. */
  changed(): void;
  /** Registers a callback run by {@link changed} (persistence). */
  onChange(cb: () => void): void;
  /**
   * Creates an API key with `scopes` (default all) and returns its secret. The secret is stored
   * only as its SHA-256 digest.
   */
  createApiKey(name: string, scopes?: readonly string[], secret?: string): string;
}

/** Builds an emulator instance (no HTTP server; see `server.ts`). */
export function createEmulator(options: EmulatorOptions = {}): Emulator & { bootstrapKey: string } {
  const state = options.state ?? createState(randomBytes(32).toString('hex'));
  const changeCallbacks: (() => void)[] = [];
  let functions: FunctionRegistry | undefined;
  const events = createEventBus((e: EmittedEvent) => functions?.dispatch(e), options.delivery);

  const emu: Emulator & { bootstrapKey: string } = {
    projectId: options.projectId ?? 'tillgate',
    state,
    events,
    get functions() {
      return functions!;
    },
    changed() {
      for (const cb of changeCallbacks) cb();
    },
    onChange(cb) {
      changeCallbacks.push(cb);
    },
    createApiKey(name, scopes = ALL_KEY_SCOPES, secret = `standard_${randomBytes(64).toString('hex')}`) {
      const digest = sha256(secret);
      if (!state.apiKeys.has(digest)) {
        state.apiKeys.set(digest, { $id: uniqueId(), name, secretHash: digest, scopes: [...scopes], expire: null });
        emu.changed();
      }
      return secret;
    },
    bootstrapKey: '',
  };
  functions = createFunctionRegistry(emu);
  emu.bootstrapKey = emu.createApiKey('bootstrap', ALL_KEY_SCOPES, options.apiKey);
  return emu;
}
