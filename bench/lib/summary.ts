/**
 * The pure half of `npm run bench`: turns result files (bench/lib/report.ts `BenchResult`) into
 * the summary (`bench/results/summary.json`), its markdown tables (`bench/results/summary.md` and
 * the generated section of docs/benchmarks.md) and the rows the runner prints. No I/O here, so
 * test/bench-report.test.ts checks it on fixtures.
 * @module
 */
import { BenchResultSchema, type BenchResult } from './report.js';

/** One figure as the summary lists it. */
export interface FigureRow {
  bench: string;
  key: string;
  label: string;
  unit: string;
  median: number;
  /** (max − min) / median over the rounds, a fraction. */
  spread: number;
  /** How many samples the median is over (rounds, or requests for latency figures). */
  n: number;
}

/** One goal as the summary lists it. */
export interface GoalRow {
  bench: string;
  issue: number;
  text: string;
  met: boolean;
  measured: string;
}

export interface Summary {
  /** ISO-8601 UTC. */
  generatedAt: string;
  /** True when any listed result is a shortened smoke run. */
  quick: boolean;
  benches: Array<{ name: string; date: string; quick: boolean; machine: string; method: string; figures: FigureRow[]; goals: GoalRow[] }>;
  goals: GoalRow[];
  totals: { goals: number; met: number; notMet: number };
}

/**
 * Validates one parsed result file.
 * @throws Error naming `source` and every schema problem (e.g. a goal without `issue`).
 */
export function parseResult(json: unknown, source: string): BenchResult {
  const r = BenchResultSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${source} is not a benchmark result: ${problems}`);
  }
  return r.data;
}

/** `Intel(R) Xeon(R) Processor, 2 cores, 23.5 GiB, Linux 6.18.44, Node v20.20.2 (load 1.67)` */
export function describeMachine(m: BenchResult['machine']): string {
  const load = m.loadAverage?.[0] !== undefined ? ` (load ${m.loadAverage[0]})` : '';
  return `${m.cpuModel}, ${m.cpus} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${m.os ?? m.platform} ${m.release}, Node ${m.node}${load}`;
}

/** Figures and goals of each result, in the order given, with all goals listed once more at the top level. */
export function buildSummary(results: BenchResult[], now = new Date()): Summary {
  const benches = results.map((r) => ({
    name: r.name,
    date: r.date,
    quick: r.quick ?? false,
    machine: describeMachine(r.machine),
    method: r.method,
    figures: Object.entries(r.figures).map(([key, f]): FigureRow => ({ bench: r.name, key, label: f.label ?? key, unit: f.unit, median: f.median, spread: f.spread, n: f.samples.length })),
    goals: r.goals.map((g): GoalRow => ({ bench: r.name, ...g })),
  }));
  const goals = benches.flatMap((b) => b.goals);
  const met = goals.filter((g) => g.met).length;
  return { generatedAt: now.toISOString(), quick: benches.some((b) => b.quick), benches, goals, totals: { goals: goals.length, met, notMet: goals.length - met } };
}

/**
 * A number for a table: bytes as MiB, millions as `M`, thousands grouped, small values with
 * up to two decimals. `formatValue(32518.4, 'req/s')` → `32,518 req/s`,
 * `formatValue(14018341, 'decisions/s')` → `14.02 M decisions/s`.
 */
export function formatValue(value: number, unit: string): string {
  if (unit === 'bytes') return `${(value / 2 ** 20).toFixed(1)} MiB`;
  const abs = Math.abs(value);
  const n = abs >= 1e6 ? `${(value / 1e6).toFixed(2)} M ` : abs >= 1000 ? `${Math.round(value).toLocaleString('en-US')} ` : abs >= 100 ? `${value.toFixed(0)} ` : abs >= 10 ? `${value.toFixed(1)} ` : `${value.toFixed(2)} `;
  return `${n}${unit}`.trim();
}

/** `12%`: a spread fraction as a whole percentage. */
export const formatSpread = (spread: number): string => `${Math.round(spread * 100)}%`;

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const table = (head: string[], rows: string[][]): string =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

/** The goals table: one row per goal of every benchmark, met or NOT met. */
export function goalsMarkdown(goals: GoalRow[]): string {
  return table(['benchmark', 'issue', 'goal', 'met', 'measured'], goals.map((g) => [g.bench, `#${g.issue}`, g.text, g.met ? 'met' : '**not met**', g.measured]));
}

/** The whole summary as markdown: the goals table, then per benchmark its date, machine, method and figures. */
export function summaryMarkdown(s: Summary): string {
  const parts = [
    `Generated ${s.generatedAt} from bench/results/*.json: ${s.totals.met} of ${s.totals.goals} goals met.` +
      (s.quick ? ' **Includes quick smoke runs (`--quick`): shortened rounds, not figures to quote.**' : ''),
    '',
    '#### Goals',
    '',
    goalsMarkdown(s.goals),
  ];
  for (const b of s.benches) {
    parts.push(
      '',
      `#### ${b.name}${b.quick ? ' (quick run)' : ''}`,
      '',
      `Measured ${b.date} on ${b.machine}.`,
      '',
      `Method: ${cell(b.method)}`,
      '',
      table(['figure', 'median', 'spread', 'n'], b.figures.map((f) => [f.label, formatValue(f.median, f.unit), formatSpread(f.spread), String(f.n)])),
    );
  }
  return `${parts.join('\n')}\n`;
}

/** Rows for `console.table`: one per goal, compact. */
export function goalConsoleRows(goals: GoalRow[]): Array<Record<string, string>> {
  return goals.map((g) => ({ bench: g.bench, issue: `#${g.issue}`, met: g.met ? 'met' : 'NOT MET', goal: g.text, measured: g.measured }));
}

/** Rows for `console.table`: one per figure. */
export function figureConsoleRows(figures: FigureRow[]): Array<Record<string, string>> {
  return figures.map((f) => ({ bench: f.bench, figure: f.label, median: formatValue(f.median, f.unit), spread: formatSpread(f.spread), n: String(f.n) }));
}

export const MARKER_START = '<!-- bench:results:start (generated by npm run bench; edits between the markers are overwritten) -->';
export const MARKER_END = '<!-- bench:results:end -->';

/**
 * Replaces what stands between {@link MARKER_START} and {@link MARKER_END} in `doc` with `body`,
 * keeping everything outside the markers.
 * @throws Error when either marker is missing, or the end comes before the start.
 */
export function replaceBetweenMarkers(doc: string, body: string): string {
  const start = doc.indexOf(MARKER_START);
  const end = doc.indexOf(MARKER_END);
  if (start < 0 || end < 0 || end < start) throw new Error(`the document lacks the markers ${MARKER_START} … ${MARKER_END}`);
  return `${doc.slice(0, start + MARKER_START.length)}\n${body.trim()}\n${doc.slice(end)}`;
}
