/**
 * Bench peer: the Tillgate permission matrix in casbin (`newEnforcer`, RBAC with domains).
 * Users get their role per store (`g(user, role, store)`); a global user gets it in the domain
 * `*`, matched against any store with casbin's `keyMatch` domain matching. Each role's policy
 * lines are its compiled grants (own and inherited), matched with `keyMatch` so that
 * `products:*` and `*` act as wildcards. An inactive user has no role at all.
 */
import { newEnforcer, newModelFromString, Util, type Enforcer } from 'casbin';
import { isGlobalActor, type Actor } from '../../core/rbac/index.js';

const MODEL = `
[request_definition]
r = sub, dom, obj

[policy_definition]
p = sub, obj

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && keyMatch(r.obj, p.obj)
`;

/** A decision function answering like `authorize(...).allowed`. */
export type CasbinDecide = (userId: string, permission: string, storeId: string) => boolean;

/**
 * Builds the enforcer for `actors` and returns its synchronous decision function.
 * @param allStores when given, a global user is linked to its role in each of these stores and no
 *   domain matching function is installed (casbin's fast path, valid for a closed set of stores);
 *   otherwise a global user holds its role in the domain `*`, matched with `keyMatch`.
 */
export async function createCasbinPeer(actors: readonly Actor[], allStores?: readonly string[]): Promise<{ enforcer: Enforcer; decide: CasbinDecide }> {
  const enforcer = await newEnforcer(newModelFromString(MODEL));
  const roles = new Map(actors.map((a) => [a.role.name, a.role]));
  const policies: string[][] = [];
  for (const role of roles.values()) for (const g of role.grants) policies.push([`role:${role.name}`, g]);
  await enforcer.addPolicies(policies);
  const links: string[][] = [];
  for (const a of actors) {
    if (!a.active) continue;
    const domains = isGlobalActor(a) ? (allStores ?? ['*']) : a.storeIds;
    for (const d of domains) links.push([a.userId, `role:${a.role.name}`, d]);
  }
  await enforcer.addGroupingPolicies(links);
  if (!allStores) {
    const rm = enforcer.getRoleManager() as unknown as { addDomainMatchingFunc(fn: (a: string, b: string) => boolean): Promise<void> };
    await rm.addDomainMatchingFunc(Util.keyMatchFunc);
  }
  await enforcer.buildRoleLinks();
  return { enforcer, decide: (userId, permission, storeId) => enforcer.enforceSync(userId, storeId, permission) };
}
