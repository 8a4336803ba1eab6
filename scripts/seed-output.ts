/**
 * Shows demo logins once: printed as a table and written to `.data/demo-logins.json` with mode
 * 0600 (only the owner may read it).
 * @module
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DemoSeed } from '../infra/seed/demo.js';

/** Where the demo logins are kept (relative to the working directory). */
export const DEMO_LOGINS_FILE = '.data/demo-logins.json';

/**
 * Lines to print after `npm run seed`. On the run that created the demo store: the logins
 * (email, password, PIN per role) and the terminal enrollment code, also written to `file`
 * (JSON, mode 0600, replacing an older file). On later runs: only "already seeded", and `file`
 * is left as it is: secrets are never shown twice.
 * @throws the file-system error when `file` cannot be written.
 */
export function announceDemoLogins(seed: DemoSeed, file = DEMO_LOGINS_FILE): string[] {
  if (!seed.created || !seed.logins) return ['Demo store already seeded (logins were shown when it was created; see ' + file + ').'];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ storeId: seed.storeId, logins: seed.logins, terminal: seed.terminal }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  const lines = ['Demo logins (shown once; also in ' + file + ', readable only by you):'];
  for (const l of seed.logins) lines.push(`  ${l.role.padEnd(10)} ${l.email.padEnd(32)} password ${l.password}   PIN ${l.pin}`);
  if (seed.terminal) lines.push(`  terminal enrollment code ${seed.terminal.enrollmentCode} (valid until ${seed.terminal.expiresAt})`);
  return lines;
}
