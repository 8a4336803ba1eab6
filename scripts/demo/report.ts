/**
 * What the demo prints: each step as it passes (`✓ what  detail`), then the shift summary
 * (sales, refunds and who approved them, lockouts and unlocks, lock and switches, the audit
 * trail and its export, devices logged out).
 * @module
 */
import { money, type Ledger } from './shift.js';

/** Prints steps as they pass and counts the checks. */
export class Reporter {
  /** Checks passed so far. */
  checks = 0;

  constructor(private readonly out: (line: string) => void) {}

  /** A heading for a part of the shift. */
  section(title: string): void {
    this.out('');
    this.out(title);
  }

  /** One passed step: `  ✓ what          detail`. */
  ok(what: string, detail: string): void {
    this.checks++;
    this.out(`  ✓ ${what.padEnd(26)} ${detail}`);
  }

  /** A line of context that is not a check. */
  info(text: string): void {
    this.out(`    ${text}`);
  }

  /** Prints any line. */
  line(text: string): void {
    this.out(text);
  }
}

const row = (label: string, value: string) => `  ${label.padEnd(16)} ${value}`;

/** The shift summary as printed lines. */
export function summaryLines(l: Ledger): string[] {
  const m = (minor: number) => money(minor, l.currency);
  const sold = l.sales.reduce((s, x) => s + x.totalMinor, 0);
  const refunded = l.refunds.reduce((s, x) => s + x.amountMinor, 0);
  const lines = ['', `Shift summary: ${l.storeName}${l.till ? `, till "${l.till.name}" (${l.till.id})` : ''}`];
  lines.push(row('operators', l.operators.join(' → ') || 'none'));
  lines.push(row('sales', `${l.sales.length}, ${m(sold)}`));
  for (const s of l.sales) lines.push(row('', `${s.id}  ${m(s.totalMinor).padStart(9)}  ${s.items.join(' + ')}  (${s.operator})`));
  lines.push(row('refunds', `${l.refunds.length}, ${m(-refunded)}`));
  for (const r of l.refunds) lines.push(row('', `${r.saleId}  ${m(-r.amountMinor).padStart(9)}  refunded by ${r.operator}, approved by ${r.approver}${r.refundId ? ` (refund row ${r.refundId})` : ''}`));
  lines.push(row('net takings', m(sold - refunded)));
  for (const x of l.refusals) lines.push(row('refused', x));
  lines.push(row('lockouts', String(l.lockouts.length)));
  for (const k of l.lockouts) lines.push(row('', `${k.who}: ${k.wrongPins} wrong PINs → PIN locked (retry after ${k.retryAfterSeconds} s); unlocked by ${k.unlockedBy}`));
  lines.push(row('till locks', String(l.locks)));
  for (const s of l.switches) lines.push(row('quick switch', s));
  if (l.audit) {
    const a = l.audit;
    lines.push(row('audit trail', `${a.entries} entries since ${a.since} (the till's creation)`));
    const actions = Object.entries(a.byAction).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => `${k} ${v}`);
    for (let i = 0; i < actions.length; i += 4) lines.push(row('', actions.slice(i, i + 4).join(', ')));
    lines.push(row('audit export', `${a.exportFile} (${a.exportRows} rows, CSV)`));
  }
  if (l.loggedOutDevices !== undefined) lines.push(row('admin devices', `${l.loggedOutDevices} sessions ended by "log out all devices"; their JWTs are refused`));
  for (const n of l.notes) lines.push(row('note', n));
  return lines;
}
