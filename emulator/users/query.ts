/**
 * `GET /users` queries on the shared query engine (`emulator/query/`): the attributes of
 * Appwrite's `Queries\Users` validator, plus the `search` parameter (full-text over id, email,
 * phone and name, as Appwrite's users search index). Bad queries answer 400
 * `general_query_invalid`; a cursor naming no user 400 `general_cursor_not_found`.
 * @module
 */
import { parseQueries, runQuery, type AttributeSpec, type ParsedQueries, type QuerySchema } from '../query/index.js';
import { searchMatches } from '../query/evaluate.js';
import type { UserRecord } from '../state.js';

const scalar = (type: AttributeSpec['type']): AttributeSpec => ({ type, array: false });

/** Attributes a users query may name (Appwrite `Queries\Users::ALLOWED_ATTRIBUTES` + the base ones). */
const USERS_SCHEMA: QuerySchema = {
  attributes: new Map<string, AttributeSpec>([
    ['$id', scalar('string')],
    ['$createdAt', scalar('datetime')],
    ['$updatedAt', scalar('datetime')],
    ['$sequence', scalar('integer')],
    ['name', scalar('string')],
    ['email', scalar('string')],
    ['phone', scalar('string')],
    ['status', scalar('boolean')],
    ['passwordUpdate', scalar('datetime')],
    ['registration', scalar('datetime')],
    ['emailVerification', scalar('boolean')],
    ['phoneVerification', scalar('boolean')],
    ['accessedAt', scalar('datetime')],
    ['labels', { type: 'string', array: true }],
  ]),
  fulltext: new Set(['name', 'email', 'phone']),
  resourceLabel: 'User',
};

/**
 * Parses `queries[]` against the users schema.
 * @throws AppwriteError 400 `general_query_invalid`
 */
export function parseUsersQueries(raw: readonly string[]): ParsedQueries {
  return parseQueries(raw, USERS_SCHEMA);
}

/** The text Appwrite indexes for the `search` parameter on users: id, email, phone and name. */
const searchText = (u: UserRecord) => [u.$id, u.email, u.phone, u.name].join(' ');

/**
 * Runs a list request over users in insertion order (their `$sequence`).
 * @returns the page and the number of users matching the filters and the search.
 * @throws AppwriteError 400 `general_cursor_not_found` when the cursor names no user.
 */
export function runUsersQuery(all: UserRecord[], q: ParsedQueries, search: string, includeTotal: boolean): { page: UserRecord[]; total: number } {
  const seq = new Map(all.map((u, i) => [u.$id, i]));
  const byId = new Map(all.map((u) => [u.$id, u]));
  const res = runQuery(all, q, {
    get: (u, attribute) => (attribute === '$sequence' ? seq.get(u.$id) : (u as unknown as Record<string, unknown>)[attribute]),
    tiebreakers: [{ attribute: '$sequence', direction: 'asc' }],
    findById: (id) => byId.get(id),
    visible: search === '' ? undefined : (u) => searchMatches(searchText(u), search),
    includeTotal,
    label: 'User',
  });
  return { page: res.items, total: res.total };
}
