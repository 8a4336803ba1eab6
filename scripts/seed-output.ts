/**
 * Shows demo logins once: printed as a table and written to `.data/demo-logins.json` with mode
 * 0600 (only the owner may read it).
 * @module
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DemoSeed } from '../infra/seed/demo.js';

export const DEMO_LOGINS_FILE = '.data/demo-logins.json';

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
