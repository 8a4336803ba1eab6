/**
 * The demo logins `npm start` writes on its first run (`.data/demo-logins.json`, mode 0600,
 * scripts/seed-output.ts): the demo store and one staff member per built-in role with their
 * email, password and PIN. The terminal enrollment code in the file expires after 10 minutes, so
 * the demo creates its own terminal instead.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { DemoSetupError } from './errors.js';

const Login = z.object({ role: z.string(), name: z.string(), email: z.string(), password: z.string(), pin: z.string().regex(/^\d{4,8}$/), userId: z.string() });
const LoginsFile = z.object({ storeId: z.string().min(1), logins: z.array(Login) });

export type DemoLogin = z.infer<typeof Login>;

/** The logins the shift needs, by role. */
export interface DemoLogins {
  file: string;
  storeId: string;
  admin: DemoLogin;
  manager: DemoLogin;
  cashier: DemoLogin;
  /** Every PIN in the file (the demo's wrong PINs must differ from all of them). */
  knownPins: Set<string>;
}

const ROLES = ['admin', 'manager', 'cashier'] as const;

/**
 * Reads and checks the logins file.
 * @param file path, relative to the working directory.
 * @throws DemoSetupError when the file is missing, unreadable or lacks a role, telling the user
 *   where the file comes from.
 */
export function loadDemoLogins(file: string): DemoLogins {
  const abs = resolve(file);
  if (!existsSync(abs)) {
    throw new DemoSetupError(
      `No demo logins at ${abs}.\n` +
        'They are written by `npm start` when it seeds the demo store on its first run, in the folder it runs from (.data/demo-logins.json).\n' +
        'Run `npm start` in this folder (and keep it running), then `npm run demo` in another terminal; or pass --logins FILE.\n' +
        'If the store was seeded earlier and the file is gone, the logins cannot be shown again: stop the stack, delete .data/emulator.json and start it again to seed a new demo store.',
    );
  }
  let parsed;
  try {
    parsed = LoginsFile.safeParse(JSON.parse(readFileSync(abs, 'utf8')));
  } catch (e) {
    throw new DemoSetupError(`Cannot read the demo logins at ${abs}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!parsed.success) throw new DemoSetupError(`${abs} is not a demo logins file written by \`npm start\`: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const byRole = new Map(parsed.data.logins.map((l) => [l.role, l]));
  const missing = ROLES.filter((r) => !byRole.has(r));
  if (missing.length) throw new DemoSetupError(`${abs} has no ${missing.join(', ')} login; the demo needs an admin, a manager and a cashier.`);
  return {
    file: abs,
    storeId: parsed.data.storeId,
    admin: byRole.get('admin')!,
    manager: byRole.get('manager')!,
    cashier: byRole.get('cashier')!,
    knownPins: new Set(parsed.data.logins.map((l) => l.pin)),
  };
}
