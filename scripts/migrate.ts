/**
 * `npm run migrate`: applies pending MariaDB migrations to `MARIADB_URL` and prints each one.
 * Exits 1 with the reason when a migration fails or an applied file was edited.
 * @module
 */
import { parseConfig } from '../core/config.js';
import { migrate } from '../infra/migrate.js';

try {
  const config = parseConfig(process.env);
  const applied = await migrate({ url: config.MARIADB_URL, log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`${applied.length} migration(s) applied\n`);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
