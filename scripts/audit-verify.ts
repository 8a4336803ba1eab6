/**
 * `npm run audit:verify`: proves the audit chain in MariaDB (issue 7, PCI DSS v4 10.3.4).
 * Reads MARIADB_URL and AUDIT_CHECKPOINT_KEY through parseConfig(process.env).
 *
 * Output: one summary line, or the JSON report with `--json`.
 * Exit status: 0 the chain verifies; 1 the chain is broken (the first broken link is printed);
 * 2 the check could not run (bad configuration, MariaDB unreachable, tables missing).
 * Without AUDIT_CHECKPOINT_KEY the chain is checked but checkpoint signatures are not, which is
 * said on stderr.
 */
import mysql from 'mysql2/promise';
import { parseConfig } from '../core/config.js';
import { verifyAuditChain } from '../infra/audit/verify.js';

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const sizeArg = argv.find((a) => a.startsWith('--page-size='));
  const pageSize = sizeArg ? Number(sizeArg.slice('--page-size='.length)) : 2000;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    console.error('audit:verify: --page-size must be a positive integer');
    return 2;
  }
  const cfg = parseConfig(process.env);
  const pool = mysql.createPool({ uri: cfg.MARIADB_URL, connectionLimit: 1 });
  try {
    const report = await verifyAuditChain({
      pool,
      pageSize,
      ...(cfg.AUDIT_CHECKPOINT_KEY !== undefined ? { checkpointKey: cfg.AUDIT_CHECKPOINT_KEY } : {}),
    });
    if (report.signaturesUnchecked) console.error('audit:verify: AUDIT_CHECKPOINT_KEY is not set; checkpoint signatures were not checked');
    if (json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      const cp = report.lastVerifiedCheckpoint ? `last verified checkpoint seq ${report.lastVerifiedCheckpoint.seq} (${report.lastVerifiedCheckpoint.createdAt})` : 'no verified checkpoint';
      if (report.ok) {
        console.log(`audit chain OK: ${report.checkedEntries} entries, head seq ${report.head.seq}, ${cp}`);
      } else {
        const b = report.firstBroken!;
        console.log(`audit chain BROKEN at seq ${b.seq}: ${b.reason} (${b.detail}); ${report.checkedEntries} entries verified before it, ${cp}`);
      }
    }
    return report.ok ? 0 : 1;
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
    console.error(`audit:verify: could not verify: ${message}`);
    process.exitCode = 2;
  },
);
