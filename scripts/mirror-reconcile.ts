/**
 * `npm run mirror:reconcile [-- --table T ...] [--check] [--json] [--page-size N]`: compares
 * Appwrite and the MariaDB mirror page by page, repairs missing, stale and orphaned rows (unless
 * `--check`), and prints the parity report as a table and as JSON (`--json`: JSON only).
 * Exit 0 at exact parity, 1 when a difference remains, 2 on error.
 * @module
 */
import { parseArgs } from 'node:util';
import { reconcile } from '../infra/mirror/reconcile.js';
import { formatParityTable, parityJson } from '../infra/mirror/reconcile-report.js';
import { connectMirror, fail, intOption } from './mirror-connect.js';

try {
  const { values } = parseArgs({
    options: { table: { type: 'string', multiple: true }, check: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, 'page-size': { type: 'string' } },
  });
  const pageSize = intOption('page-size', values['page-size'], 500);
  const cli = await connectMirror();
  try {
    const report = await reconcile({ pool: cli.pool, catalog: cli.catalog, source: cli.source, pageSize, repair: !values.check, ...(values.table ? { sources: values.table } : {}) });
    if (!values.json) process.stdout.write(`${formatParityTable(report)}\n\n`);
    process.stdout.write(`${parityJson(report)}\n`);
    if (report.differences > 0) process.exitCode = 1;
  } finally {
    await cli.close();
  }
} catch (e) {
  fail(e);
}
