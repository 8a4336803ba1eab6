/**
 * The embedded Appwrite emulator in its own process (`emulator/cli.ts` run with tsx, state in
 * memory), for load tests that must not share an event loop with the load generator. Talk to it
 * with the real `node-appwrite` SDK through `endpoint`, `projectId` and `apiKey`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface EmulatorProcess {
  endpoint: string;
  projectId: string;
  apiKey: string;
  /** Stops the child (SIGTERM: waits for deliveries in flight) and resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `emulator/cli.ts --port 0` and reads the endpoint and API key it prints.
 * @throws Error when the child exits or prints nothing usable within 60 s.
 */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const printed = await new Promise<Record<string, string>>((resolve, reject) => {
    const seen: Record<string, string> = {};
    const timer = setTimeout(() => reject(new Error(`emulator child silent for 60 s: ${stderr.slice(-10).join('\n')}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator child exited (${code}): ${stderr.slice(-10).join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^(\w+): (.*)$/.exec(line);
      if (m) seen[m[1]!] = m[2]!;
      if (seen.endpoint && seen.project && seen.apiKey) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    endpoint: printed.endpoint!,
    projectId: printed.project!,
    apiKey: printed.apiKey!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
