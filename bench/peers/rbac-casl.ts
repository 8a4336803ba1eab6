/**
 * Bench peer: the Tillgate permission matrix in CASL (`createMongoAbility` / `AbilityBuilder`).
 * One ability per user, built once: `*` is `can('manage', 'all')`, `resource:*` is
 * `can('manage', resource)`, `resource:action` is `can(action, resource)`; a store-scoped user's
 * rules carry the condition `{ storeId: { $in: storeIds } }`. An inactive user has no rules.
 */
import { AbilityBuilder, createMongoAbility, subject, type MongoAbility } from '@casl/ability';
import { isGlobalActor, type Actor } from '../../core/rbac/index.js';

/** The subject object of one request: a resource instance in a store. */
export type CaslSubject = ReturnType<typeof subject<string, { storeId: string }>>;

/** Builds one ability per actor, keyed by user id. */
export function createCaslPeer(actors: readonly Actor[]): Map<string, MongoAbility> {
  const out = new Map<string, MongoAbility>();
  for (const a of actors) {
    const { can, build } = new AbilityBuilder(createMongoAbility);
    if (a.active) {
      const conditions = isGlobalActor(a) ? undefined : { storeId: { $in: [...a.storeIds] } };
      for (const g of a.role.grants) {
        const [resource, action] = g === '*' ? ['all', 'manage'] : (g.split(':') as [string, string]);
        can(action === '*' ? 'manage' : action, resource, conditions);
      }
    }
    out.set(a.userId, build());
  }
  return out;
}

/** The request in CASL's shape: the action, and the subject instance built with `subject()`. */
export function caslRequest(permission: string, storeId: string): { action: string; subject: CaslSubject } {
  const i = permission.indexOf(':');
  return { action: permission.slice(i + 1), subject: subject(permission.slice(0, i), { storeId }) };
}
