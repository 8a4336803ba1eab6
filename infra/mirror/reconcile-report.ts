/**
 * The parity report of a reconcile sweep as a text table (one line per table: rows in Appwrite,
 * in MariaDB, missing, stale, orphaned, repaired, still different) for people, and as JSON for
 * tools.
 * @module
 */
import type { ReconcileReport } from './reconcile.js';

const HEAD = ['table', 'appwrite', 'mariadb', 'missing', 'stale', 'orphaned', 'repaired', 'still_different'] as const;

/** A fixed-width text table, with a total line. */
export function formatParityTable(report: ReconcileReport): string {
  const lines: string[][] = [
    [...HEAD],
    ...report.tables.map((t) => [t.table, t.appwrite, t.mariadb, t.missing, t.stale, t.orphaned, t.repaired, t.stillDifferent].map(String)),
  ];
  const sum = (k: 'appwrite' | 'mariadb' | 'missing' | 'stale' | 'orphaned' | 'repaired' | 'stillDifferent') => String(report.tables.reduce((n, t) => n + t[k], 0));
  lines.push(['total', sum('appwrite'), sum('mariadb'), sum('missing'), sum('stale'), sum('orphaned'), sum('repaired'), sum('stillDifferent')]);
  const widths = HEAD.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const fmt = (l: string[]) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmt(lines[0]!), rule, ...lines.slice(1, -1).map(fmt), rule, fmt(lines.at(-1)!)].join('\n');
}

/** The report as one JSON document (`status` is `parity` or `different`). */
export function parityJson(report: ReconcileReport): string {
  return JSON.stringify({ status: report.differences === 0 ? 'parity' : 'different', ...report });
}
