/**
 * Text rendering of a schema plan and sync report for `npm run setup`.
 * @module
 */
import type { SchemaPlan } from './plan.js';
import type { SyncReport } from './sync.js';

/** The plan as lines: what will be created and updated, then the drift left alone. */
export function renderPlan(plan: SchemaPlan, prune: boolean): string[] {
  const lines: string[] = ['Plan:'];
  if (plan.createDatabase) lines.push('  + database');
  for (const t of plan.createTables) lines.push(`  + table ${t.$id}`);
  for (const c of plan.createColumns) lines.push(`  + column ${c.tableId}.${c.column.key}`);
  for (const i of plan.createIndexes) lines.push(`  + index ${i.tableId}.${i.index.key}`);
  for (const u of plan.updateTables) lines.push(`  ~ table ${u.tableId}: ${u.changes.join('; ')}`);
  for (const p of plan.prune) lines.push(`  - ${p.kind} ${p.tableId}${p.kind === 'extra-table' ? '' : `.${p.key}`}`);
  if (lines.length === 1) lines.push('  no changes');
  const drift = plan.drift.filter((d) => !plan.prune.includes(d));
  if (drift.length) {
    lines.push(`Drift (reported, not changed${prune ? '' : '; --prune with --yes-i-understand-this-deletes-data drops extras'}):`);
    for (const d of drift) lines.push(`  ! ${d.tableId}: ${d.detail}`);
  }
  return lines;
}

/** One-line summary of a finished sync. */
export function summarize(r: SyncReport): string {
  if (!r.changed) return `Schema is up to date (${r.drift.length} drift item(s) reported).`;
  return `Created ${r.created.tables.length} table(s), ${r.created.columns.length} column(s), ${r.created.indexes.length} index(es); updated ${r.updated.length} table(s); pruned ${r.pruned.length}; drift ${r.drift.length}.`;
}
