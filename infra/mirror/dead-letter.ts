/**
 * The mirror's dead-letter queue (Kafka Connect's DLQ): changes that still failed after their
 * retries, with the error, the number of attempts and the payload (secrets stripped), in
 * `mirror_dead_letter`. A change failing again updates its row (attempts added, error and
 * `last_failed_at` replaced, pending again).
 *
 * When MariaDB itself is what failed, the table cannot be written either: the entry is then
 * appended to a local spool file (`<spoolDir>/dead-letter.jsonl`, one JSON object a line) and
 * `npm run mirror:replay` moves it into the table first. The spool is the last resort; if it
 * cannot be written either (a full disk), the change is lost to the log and the reconcile sweep
 * repairs the row from Appwrite.
 * @module
 */
import { appendFile, mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { MirrorEvent } from '../../core/mirror/events.js';
import { stripSecrets, type MirrorSourceTable } from '../../core/mirror/schema.js';
import type { Logger } from '../logger.js';
import type { Pool } from '../mariadb.js';

/** One dead-letter entry as stored. */
export interface DeadLetterEntry {
  eventKey: string;
  /** MariaDB table (`pos_sales`, `appwrite_users`), or `source:<id>` for a table with no mirror table. */
  tableName: string;
  rowId: string;
  action: string;
  eventName: string;
  /** The resource, secrets stripped. */
  payload: Record<string, unknown>;
  error: string;
  attempts: number;
  failedAt: string;
}

/** Name of the spool file inside the spool folder. */
export const SPOOL_FILE = 'dead-letter.jsonl';

/** Builds the entry of a change that failed `attempts` times with `error`. */
export function deadLetterEntry(ev: MirrorEvent, tableName: string, sources: readonly MirrorSourceTable[], error: string, attempts: number, failedAt = new Date()): DeadLetterEntry {
  return {
    eventKey: ev.key,
    tableName: tableName.slice(0, 64),
    rowId: ev.rowId,
    action: ev.operation,
    eventName: ev.eventName,
    payload: stripSecrets(ev.source, ev.payload, sources),
    error: error.slice(0, 2000),
    attempts,
    failedAt: failedAt.toISOString(),
  };
}

/**
 * Inserts or updates entries in `mirror_dead_letter` (one statement).
 * @throws the mysql2 error when MariaDB cannot take them.
 */
export async function insertDeadLetters(pool: Pool, entries: readonly DeadLetterEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const tuples = entries.map((e) => [e.eventKey, e.tableName, e.rowId, e.action, e.eventName || null, JSON.stringify(e.payload), e.error, e.attempts, new Date(e.failedAt), new Date(e.failedAt)]);
  await pool.query(
    `INSERT INTO mirror_dead_letter (event_key, table_name, row_id, action, event_name, payload, error, attempts, first_failed_at, last_failed_at) VALUES ?
     ON DUPLICATE KEY UPDATE attempts = attempts + VALUES(attempts), error = VALUES(error), last_failed_at = VALUES(last_failed_at), payload = VALUES(payload), replayed_at = NULL`,
    [tuples],
  );
}

export interface DeadLetterSink {
  /**
   * Stores entries in the table, else in the spool file.
   * @returns where they went: `table`, `spool`, or `lost` (both failed; logged).
   */
  put(entries: readonly DeadLetterEntry[]): Promise<'table' | 'spool' | 'lost'>;
}

/** A sink writing to `mirror_dead_letter`, falling back to `<spoolDir>/dead-letter.jsonl`. */
export function createDeadLetterSink(pool: Pool, spoolDir: string, log: Logger): DeadLetterSink {
  return {
    async put(entries) {
      if (entries.length === 0) return 'table';
      try {
        await insertDeadLetters(pool, entries);
        return 'table';
      } catch (dbErr) {
        try {
          await mkdir(spoolDir, { recursive: true });
          await appendFile(join(spoolDir, SPOOL_FILE), entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
          log.warn({ count: entries.length, spoolDir, err: dbErr }, 'mirror dead letters spooled to disk (MariaDB unavailable)');
          return 'spool';
        } catch (fileErr) {
          log.error({ count: entries.length, keys: entries.map((e) => e.eventKey), err: fileErr }, 'mirror dead letters lost: neither MariaDB nor the spool took them; reconcile will repair');
          return 'lost';
        }
      }
    },
  };
}

function isEntry(v: unknown): v is DeadLetterEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.eventKey === 'string' && typeof e.tableName === 'string' && typeof e.rowId === 'string' && typeof e.action === 'string' && typeof e.payload === 'object' && e.payload !== null;
}

/**
 * Moves every spooled entry into `mirror_dead_letter`: each `*.jsonl` file of `spoolDir` is
 * claimed by renaming it (so writers appending meanwhile start a new file), loaded, and deleted;
 * a file that cannot be loaded is put back under a new `*.jsonl` name for the next run.
 * Unparseable lines are skipped and counted.
 * @returns entries moved and lines skipped.
 * @throws the mysql2 error when the table cannot take them (the file is kept).
 */
export async function ingestSpool(pool: Pool, spoolDir: string): Promise<{ ingested: number; skipped: number }> {
  let names: string[];
  try {
    names = (await readdir(spoolDir)).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return { ingested: 0, skipped: 0 };
  }
  let ingested = 0;
  let skipped = 0;
  for (const name of names) {
    const claimed = join(spoolDir, `${name}.claimed-${process.pid}-${Date.now()}`);
    try {
      await rename(join(spoolDir, name), claimed);
    } catch {
      continue; // another replay claimed it
    }
    const entries: DeadLetterEntry[] = [];
    for (const line of (await readFile(claimed, 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      try {
        const v: unknown = JSON.parse(line);
        if (isEntry(v)) entries.push(v);
        else skipped++;
      } catch {
        skipped++;
      }
    }
    try {
      for (let i = 0; i < entries.length; i += 500) await insertDeadLetters(pool, entries.slice(i, i + 500));
    } catch (e) {
      await rename(claimed, join(spoolDir, `dead-letter-${Date.now()}-${process.pid}.jsonl`));
      throw e;
    }
    await unlink(claimed);
    ingested += entries.length;
  }
  return { ingested, skipped };
}
