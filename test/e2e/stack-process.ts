/**
 * The embedded stack and the demo as child processes, started exactly as `npm start` and
 * `npm run demo` start them (`node --import <tsx> scripts/start.ts`, absolute paths) but in a
 * working directory of the test's choosing, so the stack's `.data/` (secrets, emulator data,
 * demo logins) is private to the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** tsx's loader by absolute URL: the working directory has no node_modules. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface RunningStack {
  child: ChildProcess;
  gateway: string;
  appwrite: string;
  /** Everything the stack wrote to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The variables a child gets besides `env`: only what a shell would have, so the test runner's own (NODE_ENV=test, ...) do not leak in. */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
}

/**
 * Starts `scripts/start.ts` in `cwd` with `env` and resolves once its banner has printed the
 * gateway and Appwrite URLs.
 * @throws Error with the stack's output when it exits or prints no banner within `timeoutMs`.
 */
export function startStack(cwd: string, env: Record<string, string>, timeoutMs = 90_000): Promise<RunningStack> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'scripts/start.ts')], { cwd, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      child.kill('SIGKILL');
      reject(new Error(`the stack printed no banner within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      const gateway = /^\s+gateway\s+(http\S+)/m.exec(out)?.[1];
      const appwrite = /^\s+appwrite\s+(http\S+)/m.exec(out)?.[1];
      if (!gateway || !appwrite || !/stop with Ctrl\+C/.test(out)) return;
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ child, gateway, appwrite, output: () => out, exited });
    }, 50);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`the stack exited (${code ?? signal}) before its banner:\n${out}`));
    });
  });
}

export interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/demo.ts` with `args` in `cwd` (as `npm run demo -- <args>`) to its end. */
export function runDemoProcess(cwd: string, args: string[], timeoutMs = 120_000): Promise<DemoRun> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'scripts/demo.ts'), ...args], { cwd, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
