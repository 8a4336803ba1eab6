/**
 * A second, private MariaDB server for outage tests: its own data directory (installed with
 * `mariadb-install-db`) and port, started and stopped by the test. The shared server on 3306
 * is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { freePort } from '../support/processes.js';

const run = promisify(execFile);


export interface SecondMariadb {
  port: number;
  /** `mysql://root@127.0.0.1:<port>` */
  serverUrl: string;
  start(): Promise<void>;
  /** Clean shutdown (SIGTERM), resolves when the process has exited. */
  stop(): Promise<void>;
  /** Stops it and deletes its data directory. */
  destroy(): Promise<void>;
}

/** Installs a data directory and starts a server on a free port. */
export async function startSecondMariadb(): Promise<SecondMariadb> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-mariadb2-'));
  const datadir = join(dir, 'data');
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', `--user=${process.env.USER ?? 'root'}`]);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const serverUrl = `mysql://root@127.0.0.1:${port}`;

  const start = async () => {
    child = spawn(
      '/usr/sbin/mariadbd',
      ['--no-defaults', `--datadir=${datadir}`, `--port=${port}`, `--socket=${join(dir, 'sock')}`, '--bind-address=127.0.0.1', `--user=${process.env.USER ?? 'root'}`, '--skip-grant-tables', '--innodb-buffer-pool-size=64M', `--pid-file=${join(dir, 'pid')}`, `--log-error=${join(dir, 'err.log')}`],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const c = await mysql.createConnection({ uri: serverUrl, connectTimeout: 1000 });
        await c.end();
        return;
      } catch (e) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`second mariadbd did not start: ${e instanceof Error ? e.message : String(e)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    port,
    serverUrl,
    start,
    stop,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
