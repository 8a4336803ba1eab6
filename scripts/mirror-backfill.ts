/**
 * `npm run mirror:backfill [-- --table T ...] [--page-size N] [--throttle-ms MS] [--restart]`:
 * copies every Appwrite row (and user) into the MariaDB mirror, page by page by cursor, with a
 * progress bar; resumes from its checkpoint after a crash (see infra/mirror/backfill.ts).
 * Exit 0 when done, 2 on error.
 * @module
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { backfill } from '../infra/mirror/backfill.js';
import { connectMirror, fail, intOption } from './mirror-connect.js';

try {
  const { values } = parseArgs({
    options: { table: { type: 'string', multiple: true }, 'page-size': { type: 'string' }, 'throttle-ms': { type: 'string' }, restart: { type: 'boolean', default: false } },
  });
  const pageSize = intOption('page-size', values['page-size'], 500);
  const throttleMs = intOption('throttle-ms', values['throttle-ms'], 0, 0, 60_000);
  const cli = await connectMirror();
  const bars = new cliProgress.MultiBar({ format: ' {source} [{bar}] {value}/{total} rows', hideCursor: true, clearOnComplete: false, stopOnComplete: false, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);
  const byTable = new Map<string, cliProgress.SingleBar>();
  try {
    const reports = await backfill({
      pool: cli.pool,
      catalog: cli.catalog,
      source: cli.source,
      ...(values.table ? { sources: values.table } : {}),
      pageSize,
      throttleMs,
      restart: values.restart,
      onProgress: (p) => {
        let bar = byTable.get(p.source);
        if (!bar) byTable.set(p.source, (bar = bars.create(p.total, p.done, { source: p.source.padEnd(18) })));
        bar.setTotal(p.total);
        bar.update(p.done);
      },
    });
    bars.stop();
    for (const r of reports) process.stdout.write(`${r.source.padEnd(18)} ${String(r.rows).padStart(8)} rows read, ${String(r.applied).padStart(8)} written${r.resumed ? ' (resumed from checkpoint)' : ''}\n`);
  } finally {
    bars.stop();
    await cli.close();
  }
} catch (e) {
  fail(e);
}
