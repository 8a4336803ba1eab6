/**
 * The Appwrite console copy of the audit trail (issue 7 item 2): drains `audit_console_outbox`
 * in seq order and writes each entry to the Appwrite `audit_logs` table (readable by labels
 * `admin` and `superadmin` only), so admins see the trail in the console. The row id is derived
 * from the seq, so a retry after a crash is idempotent (409 counts as done). A failure keeps the
 * entry in the outbox with its attempts, last error and an exponential backoff (1 s … 5 min):
 * nothing is lost while Appwrite is down.
 * @module
 */
import type { RowDataPacket } from 'mysql2';
import { isAppwriteError, type AppwriteAdmin } from '../appwrite.js';
import type { Logger } from '../logger.js';
import type { Pool } from '../mariadb.js';

export interface ConsoleCopy {
  /** Copies what is due now; returns how many were copied. */
  drainOnce(batch?: number): Promise<number>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

const clip = (v: unknown, n: number) => (typeof v === 'string' ? v.slice(0, n) : undefined);

export function createConsoleCopy(pool: Pool, appwrite: AppwriteAdmin, databaseId: string, log: Logger): ConsoleCopy {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function drainOnce(batch = 100): Promise<number> {
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT o.seq, o.attempts, l.entry, l.hash FROM audit_console_outbox o JOIN audit_log l ON l.seq = o.seq WHERE o.next_attempt_at <= CURRENT_TIMESTAMP(3) ORDER BY o.seq LIMIT ?',
      [batch],
    );
    let copied = 0;
    for (const r of rows) {
      const e = (typeof r.entry === 'string' ? JSON.parse(r.entry) : r.entry) as Record<string, unknown>;
      const actor = (e.actor ?? {}) as Record<string, unknown>;
      const target = (e.target ?? {}) as Record<string, unknown>;
      const approver = (e.approver ?? {}) as Record<string, unknown>;
      try {
        await appwrite.tablesDB.createRow({
          databaseId,
          tableId: 'audit_logs',
          rowId: `audit-${String(r.seq)}`,
          data: {
            entryId: e.id, seq: Number(r.seq), occurredAt: e.occurredAt, action: e.action, outcome: e.outcome, actorType: actor.type,
            actorId: clip(actor.id, 36), actorRole: clip(actor.role, 36), approverId: clip(approver.id, 36), targetType: clip(target.type, 64), targetId: clip(target.id, 255),
            storeId: clip(e.storeId, 36), terminalId: clip(e.terminalId, 36), hash: String(r.hash), summary: clip(e.reason, 1024),
          },
        });
      } catch (err) {
        if (!isAppwriteError(err, 'row_already_exists')) {
          const attempts = Number(r.attempts) + 1;
          const delayMs = Math.min(300_000, 1000 * 2 ** Math.min(attempts, 9));
          await pool.query('UPDATE audit_console_outbox SET attempts = ?, last_error = ?, next_attempt_at = DATE_ADD(CURRENT_TIMESTAMP(3), INTERVAL ? MICROSECOND) WHERE seq = ?', [attempts, (err instanceof Error ? err.message : String(err)).slice(0, 1000), delayMs * 1000, r.seq]);
          log.warn({ seq: Number(r.seq), attempts }, 'audit console copy failed; will retry');
          break; // keep seq order: later entries wait for this one
        }
      }
      await pool.query('DELETE FROM audit_console_outbox WHERE seq = ?', [r.seq]);
      copied++;
    }
    return copied;
  }

  return {
    drainOnce,
    start(intervalMs = 2000) {
      timer = setInterval(() => {
        running ??= drainOnce()
          .catch((err: unknown) => {
            log.warn({ err: err instanceof Error ? err.message : String(err) }, 'audit console copy pass failed');
            return 0;
          })
          .finally(() => {
            running = undefined;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
