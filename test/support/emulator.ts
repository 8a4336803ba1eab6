/**
 * Test harness: a fresh in-memory emulator per suite, with the real `node-appwrite` SDK as
 * client. Every JSON answer is validated against Appwrite's OpenAPI response schema; `stop()`
 * fails the suite when any answer did not match.
 */
import { Client, Functions, TablesDB, Users } from 'node-appwrite';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../../emulator/server.js';
import { validateResponse } from './openapi-validator.js';

export interface TestEmulator extends RunningEmulator {
  /** node-appwrite client authenticated with the bootstrap API key (all scopes). */
  server: Client;
  users: Users;
  tablesDB: TablesDB;
  functions: Functions;
  /** A node-appwrite client without credentials (a guest), to set a session or JWT on. */
  guestClient(): Client;
  /** Schema violations seen so far (each names method, route, status and what differs). */
  violations: string[];
}

export async function startTestEmulator(options: StartEmulatorOptions = {}): Promise<TestEmulator> {
  const violations: string[] = [];
  const running = await startEmulator({
    port: 0,
    ...options,
    onResponse: (info) => violations.push(...validateResponse(info)),
    onUnexpectedError: (e) => violations.push(`unexpected error: ${e instanceof Error ? e.stack : String(e)}`),
  });
  const server = new Client().setEndpoint(running.endpoint).setProject(running.projectId).setKey(running.apiKey);
  return {
    ...running,
    server,
    users: new Users(server),
    tablesDB: new TablesDB(server),
    functions: new Functions(server),
    guestClient: () => new Client().setEndpoint(running.endpoint).setProject(running.projectId),
    violations,
    async stop() {
      await running.stop();
      if (violations.length) throw new Error(`emulator answers broke the Appwrite contract:\n${violations.join('\n')}`);
    },
  };
}
