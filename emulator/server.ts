/**
 * Starts the emulator's HTTP server in-process.
 *
 * ```ts
 * const emu = await startEmulator({ port: 0 });
 * const client = new Client().setEndpoint(emu.endpoint).setProject(emu.projectId).setKey(emu.apiKey);
 * ```
 * @module
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createEmulatorApp, type EmulatorAppOptions, type ResponseInfo } from './app.js';
import { createEmulator, type Emulator } from './emulator.js';
import type { DeliveryOptions } from './events.js';
import { attachPersistence, loadState } from './persistence.js';

export interface StartEmulatorOptions {
  /** TCP port; 0 picks a free one (default 0). */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  projectId?: string;
  /** Secret of the bootstrap API key (all scopes); random when omitted. */
  apiKey?: string;
  /** JSON data file; state survives restarts when set, else it lives in memory. */
  dataFile?: string;
  delivery?: DeliveryOptions;
  onUnexpectedError?: (e: unknown) => void;
  /** Observes every answer (see `EmulatorAppOptions.onResponse`). */
  onResponse?: (info: ResponseInfo) => void;
}

export interface RunningEmulator {
  /** Appwrite endpoint including `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  endpoint: string;
  /** Same as endpoint (alias kept for readability in tests). */
  url: string;
  port: number;
  projectId: string;
  /** The bootstrap API key secret, holding every scope. */
  apiKey: string;
  emulator: Emulator;
  /** Stops accepting connections, waits for deliveries in flight, flushes the data file. */
  stop(): Promise<void>;
}

/** Starts an emulator; resolves once it listens. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const state = options.dataFile ? await loadState(options.dataFile) : undefined;
  const emu = createEmulator({
    ...(options.projectId ? { projectId: options.projectId } : {}),
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.delivery ? { delivery: options.delivery } : {}),
    ...(state ? { state } : {}),
  });
  const persistence = options.dataFile ? attachPersistence(emu, options.dataFile) : undefined;
  const appOptions: EmulatorAppOptions = {};
  if (options.onUnexpectedError) appOptions.onUnexpectedError = options.onUnexpectedError;
  if (options.onResponse) appOptions.onResponse = options.onResponse;
  const app = createEmulatorApp(emu, appOptions);
  const host = options.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`;
  emu.functions.setEndpoint(endpoint);
  return {
    endpoint,
    url: endpoint,
    port,
    projectId: emu.projectId,
    apiKey: emu.bootstrapKey,
    emulator: emu,
    async stop() {
      // Deliveries in flight may still call back into the emulator: let them finish first.
      await emu.functions.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets of SDK clients would otherwise hold close() open.
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      });
      await emu.functions.idle();
      await persistence?.flush();
    },
  };
}
