/**
 * The import report: per step what the source held and what was created, found already there
 * or rejected, and one entry for every row that was rejected, adjusted or noted, with the reason
 * (issue 9 item 2: "a report of every row that was rejected or adjusted and why"). Printed as a
 * text table (entries grouped by reason) and written as JSON (every entry, one by one).
 * @module
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NOT_CARRIED, type NoteKind, type RowNote } from './mapping.js';

/** The import's steps, in the order they run. */
export const STEP_NAMES = ['roles', 'stores', 'staff', 'pins', 'customers', 'products', 'sales'] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** One line of the report about one source row. */
export interface ReportEntry {
  kind: NoteKind;
  /** Sakila table of the row (`payment`, `staff`, `film`, …). */
  table: string;
  /** Sakila key of the row (`16049`, or `store/film` for products). */
  legacyId: string;
  /** Appwrite row (or user) id, when the row was imported. */
  rowId?: string;
  field?: string;
  reason: string;
  /** What the reason is about in this row (a film's title), kept out of the grouping. */
  detail?: string;
  action?: string;
}

/** Counters of one step. */
export interface StepCounts {
  step: StepName;
  /** Appwrite table the step writes (`users+staff` for staff members). */
  target: string;
  /** Rows the source offers for this step. */
  source: number;
  /** Created by this run (in a dry run: would be created). */
  created: number;
  /** Already in Appwrite from an earlier run. */
  existing: number;
  rejected: number;
}

/** Collects counters and entries while the import runs. */
export class ImportReport {
  readonly entries: ReportEntry[] = [];
  readonly steps = new Map<StepName, StepCounts>();

  /** The counters of `step`, created on first use. */
  counts(step: StepName, target: string): StepCounts {
    let c = this.steps.get(step);
    if (!c) {
      c = { step, target, source: 0, created: 0, existing: 0, rejected: 0 };
      this.steps.set(step, c);
    }
    return c;
  }

  /** Records a rejected source row (not imported). */
  reject(table: string, legacyId: string | number, reason: string, field?: string, detail?: string): void {
    this.entries.push({ kind: 'rejected', table, legacyId: String(legacyId), reason, ...(field ? { field } : {}), ...(detail ? { detail } : {}) });
  }

  /** Records the notes of an imported row. */
  note(table: string, legacyId: string | number, rowId: string, notes: readonly RowNote[]): void {
    for (const n of notes) this.entries.push({ kind: n.kind, table, legacyId: String(legacyId), rowId, reason: n.reason, ...(n.field ? { field: n.field } : {}), ...(n.action ? { action: n.action } : {}) });
  }

  /** Entries of one kind. */
  byKind(kind: NoteKind): ReportEntry[] {
    return this.entries.filter((e) => e.kind === kind);
  }

  /** Sum of `created` over every step. */
  get created(): number {
    return [...this.steps.values()].reduce((n, s) => n + s.created, 0);
  }
}

/** A fixed-width text table; `right` columns are right-aligned. */
export function formatTable(head: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

/** The step counters as a table (with a total line). */
export function formatSteps(report: ImportReport, dryRun = false): string {
  const steps = [...report.steps.values()];
  const rows = steps.map((s) => [s.step, s.target, String(s.source), String(s.created), String(s.existing), String(s.rejected)]);
  const sum = (k: 'source' | 'created' | 'existing' | 'rejected') => String(steps.reduce((n, s) => n + s[k], 0));
  rows.push(['total', '', sum('source'), sum('created'), sum('existing'), sum('rejected')]);
  return formatTable(['step', 'appwrite', 'source', dryRun ? 'to_create' : 'created', 'existing', 'rejected'], rows, new Set([2, 3, 4, 5]));
}

/** How many legacy ids a grouped line lists before "…". */
const IDS_SHOWN = 8;

/**
 * The entries as a table, one line per (kind, table, field, reason) with the count and the first
 * legacy ids; reasons that name one row each (a staff member) stay one line per row.
 */
export function formatEntries(entries: readonly ReportEntry[]): string {
  if (entries.length === 0) return 'Nothing was rejected, adjusted or noted.';
  const order: Record<NoteKind, number> = { rejected: 0, adjusted: 1, noted: 2 };
  const groups = new Map<string, { e: ReportEntry; ids: string[] }>();
  for (const e of entries) {
    const key = [e.kind, e.table, e.field ?? '', e.reason, e.action ?? ''].join('\u0000');
    const g = groups.get(key) ?? { e, ids: [] };
    g.ids.push(e.legacyId);
    groups.set(key, g);
  }
  const sorted = [...groups.values()].sort((a, b) => order[a.e.kind] - order[b.e.kind] || a.e.table.localeCompare(b.e.table) || a.e.reason.localeCompare(b.e.reason));
  const rows = sorted.map(({ e, ids }) => {
    const shown = ids.slice(0, IDS_SHOWN).join(', ') + (ids.length > IDS_SHOWN ? ', …' : '');
    return [e.kind, e.table, String(ids.length), shown, e.field ?? '', e.reason + (e.action ? ` → ${e.action}` : '')];
  });
  return formatTable(['kind', 'table', 'rows', 'sakila ids', 'field', 'reason'], rows, new Set([2]));
}

/** The report as one JSON document. */
export function reportJson(report: ImportReport, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const count = (k: NoteKind) => report.entries.filter((e) => e.kind === k).length;
  return {
    source: 'sakila',
    ...extra,
    steps: [...report.steps.values()],
    totals: { created: report.created, rejected: count('rejected'), adjusted: count('adjusted'), noted: count('noted') },
    entries: report.entries,
    notCarried: NOT_CARRIED,
  };
}

/**
 * Writes `doc` as JSON to `file` (mode 0600: it names staff and customers), atomically: a
 * temporary file in the same folder is renamed over the old one.
 * @throws the file-system error.
 */
export function writeJsonFile(file: string, doc: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
