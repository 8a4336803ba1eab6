/**
 * A private `redis-server` for fault tests: a child process on a free port with persistence off
 * (`--save '' --appendonly no`), stopped and started again on the same port by the test. The
 * shared Redis on 6379 is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, stopChild } from './processes.js';

export interface OwnRedis {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Starts the server (again) on the same port; resolves once it answers PING (at most 10 s). */
  start(): Promise<void>;
  /**
   * Stops the server. `SIGKILL` (default) is a crash: connections drop at once, nothing is saved
   * (there is no persistence anyway, so every key is gone after {@link start}, as after a real
   * restart without persistence). Resolves once the process has exited.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** True while the child process runs. */
  readonly running: boolean;
}

/**
 * Starts `redis-server --port <free> --save '' --appendonly no` as a child process.
 * @throws Error when the server does not answer PING within 10 s.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child && child.exitCode === null) return;
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
    child = c;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch (e) {
        if (Date.now() > deadline || c.exitCode !== null) throw new Error(`redis-server on ${port} did not start: ${e instanceof Error ? e.message : String(e)}`);
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        probe.disconnect();
      }
    }
  };

  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const c = child;
    child = undefined;
    await stopChild(c, signal);
  };

  await start();
  return {
    port,
    url,
    start,
    stop,
    get running() {
      return child !== undefined && child.exitCode === null;
    },
  };
}
