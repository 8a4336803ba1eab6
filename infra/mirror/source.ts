/**
 * Reading Appwrite for the mirror's backfill and reconcile: rows of a `pos` table, or users,
 * page by page with cursor pagination (`Query.cursorAfter(<last $id>)` in Appwrite's default
 * order, the stable `$sequence` order for rows; Appwrite docs "Pagination": cursor pagination is
 * the one that stays correct and fast on large tables), and fetching given ids again.
 * @module
 */
import { Query, type TablesDB, type Users } from 'node-appwrite';
import { USERS_SOURCE_ID } from '../../core/mirror/schema.js';
import { isAppwriteError, toAppError } from '../appwrite.js';

/** Largest page the mirror asks for (Appwrite's `APP_LIMIT_COUNT`, 5,000, also bounds `Query.limit`). */
export const MAX_PAGE_SIZE = 5000;

export interface MirrorSource {
  /**
   * One page of resources after `after` (a `$id`, or null for the first page).
   * @throws CursorGoneError when the cursor row no longer exists; AppError for other Appwrite failures.
   */
  page(source: string, after: string | null, limit: number): Promise<Record<string, unknown>[]>;
  /** The resources with these ids that exist now (missing ones are left out). */
  fetch(source: string, ids: readonly string[]): Promise<Record<string, unknown>[]>;
  /** Rows (or users) in Appwrite, as its list `total` reports (capped at 5,000 by Appwrite's count limit). */
  count(source: string): Promise<number>;
}

/** The cursor row was deleted between two pages: the caller restarts the table (writes are idempotent). */
export class CursorGoneError extends Error {
  override name = 'CursorGoneError';
}

const asRecords = (list: readonly object[]): Record<string, unknown>[] => list as unknown as Record<string, unknown>[];

/** A {@link MirrorSource} over an Appwrite project (API key with `rows.read` and `users.read`). */
export function appwriteSource(tablesDB: TablesDB, users: Users, databaseId: string): MirrorSource {
  const listPage = async (source: string, queries: string[], total: boolean) => {
    try {
      if (source === USERS_SOURCE_ID) return await users.list({ queries, total });
      return await tablesDB.listRows({ databaseId, tableId: source, queries, total });
    } catch (e) {
      if (isAppwriteError(e, 'general_cursor_not_found')) throw new CursorGoneError(`the cursor row of ${source} no longer exists`);
      throw toAppError(e, source);
    }
  };
  return {
    async page(source, after, limit) {
      const queries = [Query.limit(Math.min(limit, MAX_PAGE_SIZE))];
      if (after !== null) queries.push(Query.cursorAfter(after));
      const res = await listPage(source, queries, false);
      return asRecords('users' in res ? res.users : res.rows);
    },
    async fetch(source, ids) {
      const out: Record<string, unknown>[] = [];
      if (source === USERS_SOURCE_ID) {
        for (const userId of ids) {
          try {
            out.push((await users.get({ userId })) as unknown as Record<string, unknown>);
          } catch (e) {
            if (!isAppwriteError(e, 'user_not_found')) throw toAppError(e, 'user');
          }
        }
        return out;
      }
      for (let i = 0; i < ids.length; i += 100) {
        const chunk = ids.slice(i, i + 100);
        const res = await listPage(source, [Query.equal('$id', [...chunk]), Query.limit(chunk.length)], false);
        out.push(...asRecords('users' in res ? res.users : res.rows));
      }
      return out;
    },
    async count(source) {
      const res = await listPage(source, [Query.limit(1)], true);
      return res.total;
    },
  };
}
