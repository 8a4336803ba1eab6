/**
 * The gateway in its own process (`test/support/gateway-child.ts` run with tsx), so that a test
 * can crash it with SIGKILL and start it again on the same port, or load it from another process
 * without sharing an event loop with the load generator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stopChild } from './processes.js';

const ENTRY = fileURLToPath(new URL('./gateway-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface GatewayProcess {
  /** `http://127.0.0.1:<port>` (the same after every restart). */
  readonly url: string;
  readonly port: number;
  /** Pid of the running child (undefined while stopped). */
  readonly pid: number | undefined;
  /** Log lines (JSON) the children wrote to stderr, at the configured LOG_LEVEL; at most the last 20,000. */
  readonly logs: string[];
  /** Starts a child on the same port; resolves once it prints its URL (at most 60 s). */
  start(): Promise<void>;
  /** Sends `signal` (default SIGKILL: a crash) and resolves once the child has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a gateway child with `env` (added to this process's environment; `PORT` defaults to a
 * free port chosen by the first child and reused by later starts). `nodeArgs` go to node before
 * the entry (e.g. `--cpu-prof` to profile the gateway under load).
 * @throws Error when the child exits or stays silent for 60 s before printing its URL.
 */
export async function startGatewayProcess(env: Record<string, string>, options: { nodeArgs?: string[] } = {}): Promise<GatewayProcess> {
  let port = Number(env.PORT ?? 0);
  let child: ChildProcess | undefined;
  const logs: string[] = [];

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const c = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', ENTRY], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    createInterface({ input: c.stderr! }).on('line', (line) => {
      logs.push(line);
      if (logs.length > 20_000) logs.splice(0, logs.length - 20_000);
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway child silent for 60 s; last log lines:\n${logs.slice(-20).join('\n')}`)), 60_000);
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        reject(new Error(`gateway child exited (${code ?? signal}) before listening; last log lines:\n${logs.slice(-20).join('\n')}`));
      };
      c.once('exit', onExit);
      createInterface({ input: c.stdout! }).on('line', (line) => {
        const m = /^url: (\S+)$/.exec(line);
        if (!m) return;
        clearTimeout(timer);
        c.off('exit', onExit);
        resolve(m[1]!);
      });
    });
    port = Number(new URL(url).port);
  };

  await start();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    logs,
    start,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const c = child;
      child = undefined;
      await stopChild(c, signal);
    },
  };
}
