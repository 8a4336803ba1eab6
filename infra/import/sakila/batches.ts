/**
 * Writing mapped rows to an Appwrite table in bulk, idempotently: each batch first asks Appwrite
 * which of its deterministic ids exist (`Query.equal('$id', ids)`), then creates only the
 * missing ones with one `tablesDB.createRows` call (at most 100 rows: Appwrite's
 * `APP_LIMIT_DATABASE_BATCH`). Appwrite is therefore the import's checkpoint: a rerun after an
 * interruption, at any point, skips what exists and creates the rest, and nothing kept outside
 * Appwrite can disagree with it.
 *
 * When a batch is refused as a whole (409: an id or unique index taken since the check, 400: a
 * row Appwrite finds invalid), its rows are written one by one so that only the offending rows
 * are rejected, each with Appwrite's reason, and the others still come in.
 * @module
 */
import { Query, type Models } from 'node-appwrite';
import { isAppwriteError, isUpstreamDown, toAppError, type AppwriteAdmin } from '../../appwrite.js';
import { backoffDelayMs, type BackoffPolicy } from '../../mirror/retry.js';
import type { RowNote } from './mapping.js';
import type { ImportReport, StepCounts, StepName } from './report.js';

/** Appwrite's largest bulk write, rows (`APP_LIMIT_DATABASE_BATCH`). */
export const MAX_BATCH = 100;

/** A mapped source row ready for Appwrite. */
export interface PlannedRow {
  /** Sakila table and key of the source row, for the report. */
  table: string;
  legacyId: string;
  rowId: string;
  data: Record<string, unknown>;
  permissions?: readonly string[];
  notes: readonly RowNote[];
}

/** Progress of one step, after each batch. */
export interface StepProgress {
  step: StepName;
  /** Source rows handled so far / in all. */
  done: number;
  total: number;
  created: number;
  existing: number;
  rejected: number;
}

/** Thrown between batches when the import's abort signal fired; the run stops cleanly there. */
export class ImportInterrupted extends Error {
  override name = 'ImportInterrupted';
  constructor(readonly step: StepName) {
    super(`the import was interrupted during the ${step} step; run it again to resume`);
  }
}

export interface BatchContext {
  appwrite: AppwriteAdmin;
  databaseId: string;
  report: ImportReport;
  /** Plan only: count what would be created, write nothing. */
  dryRun: boolean;
  signal?: AbortSignal | undefined;
  progress(p: StepProgress): void;
}

/**
 * Retries of one Appwrite call that failed for a transient reason (connection refused or reset,
 * 5xx): a busy embedded stack can drop a keep-alive connection under a request. Every call
 * retried here is safe to repeat: reads, and creates whose repeat is caught as "already exists".
 */
export const APPWRITE_RETRY: BackoffPolicy = { baseDelayMs: 250, maxDelayMs: 5000, maxAttempts: 6, maxElapsedMs: 60_000 };

/** Runs `call`, retrying transient failures per {@link APPWRITE_RETRY}; other errors pass through. */
export async function withRetry<T>(call: () => Promise<T>, policy: BackoffPolicy = APPWRITE_RETRY): Promise<T> {
  const started = Date.now();
  for (let failures = 1; ; failures++) {
    try {
      return await call();
    } catch (e) {
      if (!isUpstreamDown(e) || failures >= policy.maxAttempts || Date.now() - started > policy.maxElapsedMs) throw e;
      await new Promise((r) => setTimeout(r, backoffDelayMs(policy, failures)));
    }
  }
}

/** Throws {@link ImportInterrupted} when the run was asked to stop. */
export function checkAborted(ctx: BatchContext, step: StepName): void {
  if (ctx.signal?.aborted) throw new ImportInterrupted(step);
}

/** The ids among `ids` that exist in `tableId`. */
export async function existingIds(ctx: BatchContext, tableId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  try {
    const res = await withRetry(() => ctx.appwrite.tablesDB.listRows({ databaseId: ctx.databaseId, tableId, queries: [Query.equal('$id', [...ids]), Query.limit(ids.length), Query.select(['$id'])], total: false }));
    return new Set(res.rows.map((r) => r.$id));
  } catch (e) {
    throw toAppError(e, `${tableId} rows`);
  }
}

const toBulk = (r: PlannedRow) => ({ $id: r.rowId, ...(r.permissions ? { $permissions: [...r.permissions] } : {}), ...r.data });

/** Writes rows one at a time; returns the ids now present and rejects (in the report) the rest. */
async function writeOneByOne(ctx: BatchContext, tableId: string, rows: readonly PlannedRow[], counts: StepCounts): Promise<Set<string>> {
  const present = new Set<string>();
  for (const r of rows) {
    try {
      await withRetry(() => ctx.appwrite.tablesDB.createRow({ databaseId: ctx.databaseId, tableId, rowId: r.rowId, data: r.data, ...(r.permissions ? { permissions: [...r.permissions] } : {}) }));
      counts.created++;
      present.add(r.rowId);
    } catch (e) {
      if (isAppwriteError(e, 'row_already_exists', 'row_unique_constraint_violation') && (await existingIds(ctx, tableId, [r.rowId])).has(r.rowId)) {
        counts.existing++;
        present.add(r.rowId);
      } else if (isAppwriteError(e) && (e.code === 400 || e.code === 409)) {
        counts.rejected++;
        ctx.report.reject(r.table, r.legacyId, `Appwrite refused the ${tableId} row (${e.type}): ${e.message}`);
      } else {
        throw toAppError(e, `${tableId} row`);
      }
    }
  }
  return present;
}

/**
 * Creates the rows of one batch (≤ {@link MAX_BATCH}) that do not exist yet; updates `counts`
 * and records each row's notes in the report.
 * @returns ids present in Appwrite after the batch (created now or before; in a dry run, those
 *   that would be).
 * @throws AppError when Appwrite fails for another reason than a refused row (unreachable, 5xx).
 */
export async function writeBatch(ctx: BatchContext, tableId: string, rows: readonly PlannedRow[], counts: StepCounts): Promise<Set<string>> {
  if (rows.length > MAX_BATCH) throw new RangeError(`a batch holds at most ${MAX_BATCH} rows`);
  const existing = await existingIds(ctx, tableId, rows.map((r) => r.rowId));
  const missing = rows.filter((r) => !existing.has(r.rowId));
  counts.existing += existing.size;
  let present = new Set(existing);
  if (ctx.dryRun) {
    counts.created += missing.length;
    for (const r of missing) present.add(r.rowId);
  } else if (missing.length > 0) {
    try {
      const res: Models.RowList = await withRetry(() => ctx.appwrite.tablesDB.createRows({ databaseId: ctx.databaseId, tableId, rows: missing.map(toBulk) }));
      counts.created += res.rows.length;
      for (const r of res.rows) present.add(r.$id);
    } catch (e) {
      if (!(isAppwriteError(e) && (e.code === 400 || e.code === 409))) throw toAppError(e, `${tableId} rows`);
      present = new Set([...existing, ...(await writeOneByOne(ctx, tableId, missing, counts))]);
    }
  }
  for (const r of rows) if (present.has(r.rowId)) ctx.report.note(r.table, r.legacyId, r.rowId, r.notes);
  return present;
}
