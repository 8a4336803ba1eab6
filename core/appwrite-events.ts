/**
 * Parsing of Appwrite event names (DESIGN.md "Both event name families fire"): row writes come
 * as `databases.<db>.tables.<table>.rows.<row>.<action>` or the legacy
 * `databases.<db>.collections.<table>.documents.<row>.<action>`; user events as
 * `users.<id>[.<sub>.<subId>].<action>[.<detail>]`. Consumers must accept both row families.
 * @module
 */

export type RowAction = 'create' | 'update' | 'upsert' | 'delete';

export type ParsedEvent =
  | { kind: 'row'; databaseId: string; tableId: string; rowId: string; action: RowAction }
  | { kind: 'user'; userId: string; resource: 'user' | 'session' | 'token' | 'other'; action: string }
  | { kind: 'other'; name: string };

const ROW = /^databases\.([^.]+)\.(?:tables|collections)\.([^.]+)\.(?:rows|documents)\.([^.]+)\.(create|update|upsert|delete)$/;
const USER = /^users\.([^.]+)(?:\.(sessions|tokens|targets|recovery|verification)\.[^.]+)?\.([a-z]+(?:\.[a-z]+)?)$/;

/** Parses one event name; anything else is `{ kind: 'other' }`. */
export function parseEventName(name: string): ParsedEvent {
  const r = ROW.exec(name);
  if (r) return { kind: 'row', databaseId: r[1]!, tableId: r[2]!, rowId: r[3]!, action: r[4] as RowAction };
  const u = USER.exec(name);
  if (u) {
    const sub = u[2];
    return { kind: 'user', userId: u[1]!, resource: sub === undefined ? 'user' : sub === 'sessions' ? 'session' : sub === 'tokens' ? 'token' : 'other', action: u[3]! };
  }
  return { kind: 'other', name };
}
