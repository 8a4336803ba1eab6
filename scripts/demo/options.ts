/**
 * Command line of `npm run demo`: `[--gateway URL] [--appwrite URL] [--project ID] [--logins FILE]
 * [--short]`. Defaults come from the same configuration keys as `npm start` (core/config.ts
 * `parseConfig(process.env)`): gateway `http://HOST:PORT` (127.0.0.1:8080), Appwrite
 * `APPWRITE_ENDPOINT` or the embedded emulator `http://HOST:EMULATOR_PORT/v1` (127.0.0.1:8090),
 * project `APPWRITE_PROJECT_ID` (tillgate), database `APPWRITE_DATABASE_ID` (pos), logins
 * `.data/demo-logins.json` (written by `npm start` on its first run, scripts/seed-output.ts).
 * @module
 */
import { parseArgs } from 'node:util';
import { parseConfig } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import { DEMO_LOGINS_FILE } from '../seed-output.js';
import { DemoSetupError } from './errors.js';

export interface DemoOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:8080`. */
  gateway: string;
  /** Appwrite endpoint, e.g. `http://127.0.0.1:8090/v1`. */
  appwrite: string;
  projectId: string;
  databaseId: string;
  /** Path of the demo logins file (relative to the working directory). */
  loginsFile: string;
  /** Where the audit export of the shift is written (a folder, created if missing). */
  exportDir: string;
  /** The shortened shift (end-to-end test): one sale, no second cashier. */
  short: boolean;
}

export const USAGE = `Usage: npm run demo -- [--gateway URL] [--appwrite URL] [--project ID] [--logins FILE] [--short]

Drives one POS shift against a running stack (start it first with \`npm start\`):
  --gateway URL   Tillgate gateway (default http://HOST:PORT from the environment, http://127.0.0.1:8080)
  --appwrite URL  Appwrite endpoint (default APPWRITE_ENDPOINT, else the embedded emulator http://127.0.0.1:8090/v1)
  --project ID    Appwrite project (default APPWRITE_PROJECT_ID, tillgate)
  --logins FILE   demo logins written by \`npm start\` (default ${DEMO_LOGINS_FILE})
  --short         the shortened shift: one sale, no second cashier
Exit code: 0 passed, 1 an unexpected answer, 2 cannot run (stack not running, logins missing).`;

/** A listener address as a client reaches it: a wildcard bind address means this machine. */
function reachable(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function httpUrl(value: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new DemoSetupError(`${flag} must be an http(s) URL, got "${value}".\n\n${USAGE}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new DemoSetupError(`${flag} must be an http(s) URL, got "${value}".\n\n${USAGE}`);
  return value.replace(/\/+$/, '');
}

/**
 * Parses `argv` (without node and the script) with defaults from `env`.
 * @returns the options, or `'help'` for `--help`.
 * @throws DemoSetupError on an unknown option, a bad URL or an invalid configuration variable.
 */
export function parseDemoArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): DemoOptions | 'help' {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        gateway: { type: 'string' },
        appwrite: { type: 'string' },
        project: { type: 'string' },
        logins: { type: 'string' },
        short: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new DemoSetupError(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
  }
  if (values.help) return 'help';
  let config;
  try {
    config = parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) throw new DemoSetupError(e.message);
    throw e;
  }
  const host = reachable(config.HOST);
  return {
    gateway: httpUrl(values.gateway ?? `http://${host}:${config.PORT}`, '--gateway'),
    appwrite: httpUrl(values.appwrite ?? config.APPWRITE_ENDPOINT ?? `http://${host}:${config.EMULATOR_PORT}/v1`, '--appwrite'),
    projectId: values.project ?? config.APPWRITE_PROJECT_ID,
    databaseId: config.APPWRITE_DATABASE_ID,
    loginsFile: values.logins ?? DEMO_LOGINS_FILE,
    exportDir: '.data',
    short: values.short,
  };
}
