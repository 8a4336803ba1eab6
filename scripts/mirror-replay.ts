/**
 * `npm run mirror:replay [-- --spool-dir DIR]`: moves spooled dead letters into
 * `mirror_dead_letter` and re-applies every pending one (infra/mirror/replay.ts). Prints the
 * counts as JSON. Exit 0 when nothing is left pending, 1 when some entries failed again, 2 on error.
 * @module
 */
import { parseArgs } from 'node:util';
import { TABLES } from '../collections/index.js';
import { parseConfig } from '../core/config.js';
import { createPool } from '../infra/mariadb.js';
import { loadCatalog } from '../infra/mirror/catalog.js';
import { replayDeadLetters } from '../infra/mirror/replay.js';
import { fail } from './mirror-connect.js';

try {
  const { values } = parseArgs({ options: { 'spool-dir': { type: 'string' } } });
  const config = parseConfig(process.env);
  const pool = createPool(config.MARIADB_URL, 2);
  try {
    const catalog = await loadCatalog(pool, TABLES);
    const report = await replayDeadLetters({ pool, catalog, spoolDir: values['spool-dir'] ?? config.MIRROR_SPOOL_DIR });
    process.stdout.write(`${JSON.stringify(report)}\n`);
    if (report.pending > 0) process.exitCode = 1;
  } finally {
    await pool.end();
  }
} catch (e) {
  fail(e);
}
