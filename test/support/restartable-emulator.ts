/**
 * An embedded Appwrite emulator whose HTTP listener can be stopped and started again on the same
 * port while its state (users, sessions, rows, the JWT signing secret) stays in memory: an Appwrite
 * outage as the gateway sees it (connections refused, then the same server back). Every answer is
 * validated against Appwrite's OpenAPI schemas like `startTestEmulator` does.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Client, TablesDB, Users } from 'node-appwrite';
import { createEmulatorApp } from '../../emulator/app.js';
import { createEmulator, type Emulator } from '../../emulator/emulator.js';
import type { DeliveryOptions } from '../../emulator/events.js';
import { validateResponse } from './openapi-validator.js';

export interface RestartableEmulator {
  /** `http://127.0.0.1:<port>/v1` (the port does not change across restarts). */
  endpoint: string;
  port: number;
  projectId: string;
  apiKey: string;
  emulator: Emulator;
  users: Users;
  tablesDB: TablesDB;
  /** Schema violations seen so far. */
  violations: string[];
  /** Answers given so far, by `METHOD /route` (OpenAPI form, e.g. `GET /users/{userId}`). */
  calls: Map<string, number>;
  /** Closes the listener and drops every open connection at once (in-flight requests fail). */
  down(): Promise<void>;
  /** Listens again on the same port with the same state. */
  up(): Promise<void>;
  /** True while listening. */
  readonly listening: boolean;
  /** Final stop: waits for function deliveries, closes, throws on schema violations. */
  stop(): Promise<void>;
}

/** Starts an emulator on a free port (or `port`). */
export async function startRestartableEmulator(options: { port?: number; delivery?: DeliveryOptions } = {}): Promise<RestartableEmulator> {
  const emu = createEmulator(options.delivery ? { delivery: options.delivery } : {});
  const violations: string[] = [];
  const calls = new Map<string, number>();
  const app = createEmulatorApp(emu, {
    onResponse: (info) => {
      const key = `${info.method} ${info.route ?? info.path}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      violations.push(...validateResponse(info));
    },
    onUnexpectedError: (e) => violations.push(`unexpected error: ${e instanceof Error ? e.stack : String(e)}`),
  });
  let server: ServerType | undefined;
  let port = options.port ?? 0;
  const listen = () =>
    new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
  server = await listen();
  port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}/v1`;
  emu.functions.setEndpoint(endpoint);
  const client = new Client().setEndpoint(endpoint).setProject(emu.projectId).setKey(emu.bootstrapKey);

  const down = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      if ('closeAllConnections' in s) s.closeAllConnections();
    });
  };
  return {
    endpoint,
    port,
    projectId: emu.projectId,
    apiKey: emu.bootstrapKey,
    emulator: emu,
    users: new Users(client),
    tablesDB: new TablesDB(client),
    violations,
    calls,
    down,
    async up() {
      if (server) return;
      server = await listen();
    },
    get listening() {
      return server !== undefined;
    },
    async stop() {
      await emu.functions.idle();
      await down();
      await emu.functions.idle();
      if (violations.length) throw new Error(`emulator answers broke the Appwrite contract:\n${violations.join('\n')}`);
    },
  };
}
