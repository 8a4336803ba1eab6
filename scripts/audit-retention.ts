/**
 * `npm run audit:retention [-- --force] [--dry-run] [--max-entries=N] [--json]`: moves audit
 * entries older than AUDIT_HOT_DAYS (and, without `--force`, older than 365 days) from MariaDB
 * into a compressed, signed archive file in AUDIT_ARCHIVE_DIR (infra/audit/retention.ts; PCI DSS
 * v4 10.5.1). Run it with MARIADB_URL naming the maintenance account (the application user may
 * not delete audit entries; grants in infra/audit/retention.ts). Needs AUDIT_CHECKPOINT_KEY.
 *
 * `npm run audit:retention -- --verify-archives` instead verifies every archive file on its own
 * and as one chain ending at the anchor MariaDB holds; nothing is changed.
 *
 * Exit status: 0 done (or nothing to do, or the archives verify); 1 an archive or the chain is
 * broken; 2 the run could not happen (bad configuration or arguments, MariaDB unreachable,
 * another run in progress).
 */
import mysql from 'mysql2/promise';
import { parseConfig } from '../core/config.js';
import { createAuditAppender } from '../infra/audit/appender.js';
import { verifyArchiveSet } from '../infra/audit/archive.js';
import { runRetention } from '../infra/audit/retention.js';
import { readAuditAnchor } from '../infra/audit/verify.js';
import { createLogger } from '../infra/logger.js';
import { toMysqlUri } from '../infra/mariadb.js';

const KNOWN = new Set(['--force', '--dry-run', '--json', '--verify-archives']);

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => !KNOWN.has(a) && !a.startsWith('--max-entries='));
  if (unknown.length > 0) {
    console.error(`audit:retention: unknown argument ${unknown.join(' ')}`);
    return 2;
  }
  const maxArg = argv.find((a) => a.startsWith('--max-entries='));
  const maxEntries = maxArg ? Number(maxArg.slice('--max-entries='.length)) : undefined;
  if (maxEntries !== undefined && (!Number.isSafeInteger(maxEntries) || maxEntries < 1)) {
    console.error('audit:retention: --max-entries must be a positive integer');
    return 2;
  }
  const json = argv.includes('--json');
  const cfg = parseConfig(process.env);
  if (cfg.AUDIT_CHECKPOINT_KEY === undefined) {
    console.error('audit:retention: AUDIT_CHECKPOINT_KEY is required (it signs the archive manifest and the chain anchor)');
    return 2;
  }
  const pool = mysql.createPool({ uri: toMysqlUri(cfg.MARIADB_URL), connectionLimit: 4, timezone: 'Z' });
  try {
    if (argv.includes('--verify-archives')) {
      const anchor = await readAuditAnchor(pool);
      const set = await verifyArchiveSet(cfg.AUDIT_ARCHIVE_DIR, cfg.AUDIT_CHECKPOINT_KEY, anchor ? { seq: anchor.seq, hash: anchor.hash } : undefined);
      if (json) console.log(JSON.stringify(set, null, 2));
      else if (set.ok) console.log(`audit archives OK: ${set.archives.length} files, ${set.archives.reduce((n, a) => n + a.entries, 0)} entries${set.last ? ` through seq ${set.last.seq}` : ''}${set.startsAtGenesis ? '' : ' (older archives pruned)'}`);
      else console.log(`audit archives BROKEN: ${set.problem ?? 'unknown problem'}`);
      return set.ok ? 0 : 1;
    }
    const log = createLogger({ level: cfg.LOG_LEVEL, service: 'audit-retention' });
    const appender = createAuditAppender({ pool, log, checkpointKey: cfg.AUDIT_CHECKPOINT_KEY });
    try {
      const report = await runRetention({
        pool,
        appender,
        log,
        archiveDir: cfg.AUDIT_ARCHIVE_DIR,
        hotDays: cfg.AUDIT_HOT_DAYS,
        checkpointKey: cfg.AUDIT_CHECKPOINT_KEY,
        force: argv.includes('--force'),
        dryRun: argv.includes('--dry-run'),
        ...(maxEntries !== undefined ? { maxEntries } : {}),
      });
      if (json) console.log(JSON.stringify(report, null, 2));
      else if (report.status === 'archived') console.log(`archived entries ${report.manifest!.firstSeq}..${report.manifest!.lastSeq} (${report.manifest!.entries}) to ${cfg.AUDIT_ARCHIVE_DIR}/${report.manifest!.file}`);
      else if (report.status === 'dry_run') console.log(`would archive entries ${report.range!.firstSeq}..${report.range!.lastSeq} (${report.range!.entries}); cutoff ${report.cutoff}`);
      else console.log(`nothing to archive: no entry before ${report.cutoff}${report.forced ? '' : ' (entries younger than 365 days are kept; --force lifts that)'}`);
      return 0;
    } finally {
      await appender.close();
    }
  } finally {
    await pool.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`audit:retention: ${message}`);
    process.exitCode = /chain is broken|did not verify/.test(message) ? 1 : 2;
  },
);
