/**
 * The deployment's role registry: the built-in roles (core/rbac) plus the custom roles stored
 * in the Appwrite `roles` table, compiled once and refreshed every {@link REFRESH_MS} and on
 * demand (after a role change through the gateway). A stored role that does not compile is
 * skipped and reported, never half-applied; the built-ins always stay.
 * @module
 */
import { Query } from 'node-appwrite';
import { BUILTIN_REGISTRY, compileRoles, isBuiltInRoleName, parseCustomRole, type RoleDefinition, type RoleRegistry } from '../core/rbac/index.js';
import type { AppwriteAdmin } from './appwrite.js';
import type { Logger } from './logger.js';

/** How often custom roles are re-read, ms. */
export const REFRESH_MS = 30_000;

export interface RoleRegistryService {
  /** The current registry (never blocks). */
  current(): RoleRegistry;
  /** Re-reads the `roles` table now. @returns the problems of roles that were skipped. */
  refresh(): Promise<string[]>;
  stop(): void;
}

/** Builds the service and loads the custom roles once (failures leave the built-ins). */
export async function createRoleRegistry(appwrite: AppwriteAdmin, databaseId: string, log: Logger): Promise<RoleRegistryService> {
  let registry: RoleRegistry = BUILTIN_REGISTRY;

  async function refresh(): Promise<string[]> {
    const rows = await appwrite.tablesDB.listRows({ databaseId, tableId: 'roles', queries: [Query.limit(500)] });
    const problems: string[] = [];
    const defs: RoleDefinition[] = [];
    for (const row of rows.rows as unknown as { name: string; level: number; permissions?: string[]; description?: string }[]) {
      if (isBuiltInRoleName(row.name)) continue;
      const parsed = parseCustomRole({ name: row.name, level: row.level, permissions: row.permissions ?? [], ...(row.description ? { title: row.description.slice(0, 64) } : {}) });
      if (parsed.ok) defs.push(parsed.value);
      else problems.push(`${row.name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    let compiled = compileRoles(defs);
    // Drop roles one by one until the rest compiles (a bad parent must not disable every role).
    let remaining = defs;
    while (!compiled.ok) {
      const bad = compiled.error.role;
      problems.push(`${bad}: ${compiled.error.message}`);
      remaining = remaining.filter((d) => d.name !== bad);
      compiled = compileRoles(remaining);
    }
    registry = compiled.value;
    if (problems.length) log.warn({ problems }, 'custom roles skipped');
    return problems;
  }

  await refresh().catch((err: unknown) => log.warn({ err }, 'custom roles not loaded; built-in roles only'));
  const timer = setInterval(() => {
    refresh().catch((err: unknown) => log.warn({ err }, 'custom roles refresh failed'));
  }, REFRESH_MS);
  timer.unref();
  return { current: () => registry, refresh, stop: () => clearInterval(timer) };
}
