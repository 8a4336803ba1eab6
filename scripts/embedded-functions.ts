/**
 * Registers Tillgate's Appwrite Functions in the embedded emulator, with the events, scopes and
 * timeouts of `functions/definitions.ts` (the same metadata `appwrite.json` deploys), so the
 * embedded stack runs them on emulated events exactly as Appwrite would run the bundles.
 * @module
 */
import type { Emulator } from '../emulator/emulator.js';
import type { FunctionHandler } from '../core/function-runtime.js';
import { FUNCTIONS } from '../functions/definitions.js';
import audit from '../functions/audit/main.js';
import mirror from '../functions/mirror/main.js';
import pinLogin from '../functions/pin-login/main.js';
import rbacGuard from '../functions/rbac-guard/main.js';

/** Entries available in process, by function id (a function without an entry yet is skipped). */
const ENTRIES: Record<string, FunctionHandler> = {
  'rbac-guard': rbacGuard,
  'pin-login': pinLogin,
  mirror,
  audit,
};

/**
 * @param variables the functions' environment (MARIADB_URL, AUDIT_CHECKPOINT_KEY, …), passed
 *   as each execution's `context.env`.
 * @returns the ids registered.
 */
export function registerEmbeddedFunctions(emu: Emulator, variables: Record<string, string>): string[] {
  const registered: string[] = [];
  for (const f of FUNCTIONS) {
    const handler = ENTRIES[f.$id];
    if (!handler) continue;
    emu.functions.register({ $id: f.$id, name: f.name, events: [...f.events], scopes: [...f.scopes], timeout: f.timeout, execute: [...f.execute], variables, handler });
    registered.push(f.$id);
  }
  return registered;
}
