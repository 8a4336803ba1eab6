/**
 * A local, durable spool for audit entries that could not reach MariaDB, so that an outage never
 * loses one (issue 10: "MariaDB stopped and restarted during a stream of writes: no audit entry
 * lost"). Used by the `audit` function: Appwrite does not retry a failed event execution
 * (DESIGN.md), so an entry that still fails after the in-execution retries is appended to
 * `<dir>/audit-spool.jsonl` (one JSON entry input a line, fsync'd, mode 0600) and written to the
 * audit log by {@link drainAuditSpool} at the start of the function's next execution. Entries carry their `sourceEventKey` (or `id`), so the appender stores each once even
 * when a drain is interrupted and repeated.
 * @module
 */
import { open, readdir, readFile, rename, unlink, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntryInput } from '../../core/audit/entry.js';
import type { Logger } from '../logger.js';
import type { AuditAppender } from './appender.js';

/**
 * The spool subfolder for one audit database (`<host>_<port>_<database>` of `mariadbUrl`), so
 * that entries spooled for one database are never drained into another that shares the folder.
 */
export function spoolScope(mariadbUrl: string): string {
  const u = new URL(mariadbUrl);
  return `${u.hostname}_${u.port || '3306'}_${decodeURIComponent(u.pathname.slice(1)) || 'default'}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Name of the spool file inside the spool folder. */
export const AUDIT_SPOOL_FILE = 'audit-spool.jsonl';

/**
 * Appends entries to the spool and flushes them to disk before resolving.
 * @throws the file-system error when the spool cannot be written (the caller then fails loudly).
 */
export async function spoolAuditEntries(dir: string, entries: readonly AuditEntryInput[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = await open(join(dir, AUDIT_SPOOL_FILE), 'a', 0o600);
  try {
    await file.appendFile(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * Writes every spooled entry through `appender`, oldest first. The spool file is first renamed
 * to a claimed name, so new spooled entries never mix with a drain in progress; a claimed file whose
 * drain failed part-way stays and is drained again by a later call (the entries already written
 * are then recognised as duplicates, as they are when two drains read the same claimed file). Lines that are not JSON are kept in `<dir>/audit-spool.rejected`.
 * @returns entries written (`appended`) and recognised as already stored (`duplicates`).
 * @throws AppError DEPENDENCY_UNAVAILABLE when MariaDB is still down (the claimed file is kept
 *   and drained by a later call).
 */
export async function drainAuditSpool(dir: string, appender: AuditAppender, log: Logger): Promise<{ appended: number; duplicates: number }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n === AUDIT_SPOOL_FILE || n.startsWith(`${AUDIT_SPOOL_FILE}.claimed-`));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { appended: 0, duplicates: 0 };
    throw e;
  }
  const out = { appended: 0, duplicates: 0 };
  for (const name of names.sort()) {
    const claimed = name === AUDIT_SPOOL_FILE ? join(dir, `${AUDIT_SPOOL_FILE}.claimed-${process.pid}-${Date.now()}`) : join(dir, name);
    if (name === AUDIT_SPOOL_FILE) {
      try {
        await rename(join(dir, name), claimed);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // another drain took it
        throw e;
      }
    }
    const lines = (await readFile(claimed, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    for (const line of lines) {
      let entry: AuditEntryInput;
      try {
        entry = JSON.parse(line) as AuditEntryInput;
      } catch {
        const bad = await open(join(dir, 'audit-spool.rejected'), 'a', 0o600);
        await bad.appendFile(`${line}\n`).finally(() => bad.close());
        continue;
      }
      const r = await appender.append(entry);
      if (r.duplicate) out.duplicates++;
      else out.appended++;
    }
    await unlink(claimed).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e; // a concurrent drain finished the same claimed file
    });
  }
  if (out.appended + out.duplicates > 0) log.info(out, 'audit spool drained');
  return out;
}
