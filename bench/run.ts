/**
 * `npm run bench [-- --only gateway,rbac] [--quick] [--no-docs] [--no-run] [--list]`: runs every benchmark in
 * `bench/` (each `bench/<name>.ts` but this runner), one after the other, each as a child process
 * (`node --import tsx bench/<name>.ts`) so that none inherits another's heap, JIT or sockets; then
 * reads every result file, prints the figures and the goals table, and writes
 * `summary.json` and `summary.md` next to the results.
 *
 * - Full run: results in `bench/results/`; the generated section of docs/benchmarks.md (between
 *   its markers) is rewritten from all results there, unless `--no-docs`.
 * - `--quick`: a smoke run with shortened rounds (BENCH_QUICK=1, BENCH_ROUNDS=2, BENCH_SECONDS=2,
 *   BENCH_ROUND_MS=500, BENCH_EVENTS=2000, BENCH_STEADY_S=2, BENCH_LOGINS=2, BENCH_STAFF=1000, BENCH_MIX=20000;
 *   values already set in the environment win), written to `bench/results/quick/` so the full
 *   figures and the docs are never replaced by smoke numbers.
 *
 * - `--no-run`: run nothing; summarize the results already there (and rewrite the docs section).
 *
 * - `--timeout-min N`: a benchmark still running after N minutes (default 30, quick 10) is
 *   stopped (SIGTERM, then SIGKILL after 10 s) and counted as failed.
 *
 * Exit code: 0 when every selected benchmark ran and wrote a fresh, valid result (goals that are
 * not met are findings, reported, not failures); 1 otherwise; 2 on bad arguments.
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RESULTS_DIR, type BenchResult } from './lib/report.js';
import { buildSummary, figureConsoleRows, goalConsoleRows, parseResult, replaceBetweenMarkers, summaryMarkdown } from './lib/summary.js';

const BENCH_DIR = import.meta.dirname;
const ROOT = join(BENCH_DIR, '..');
const DOCS = join(ROOT, 'docs', 'benchmarks.md');
/** Cheap and self-contained first; the HTTP benchmarks (own processes, long) last. Others follow by name. */
const ORDER = ['rbac', 'audit', 'mirror', 'pin-login', 'gateway', 'memory'];
const QUICK_ENV: Record<string, string> = {
  BENCH_ROUNDS: '2', BENCH_SECONDS: '2', BENCH_ROUND_MS: '500', BENCH_EVENTS: '2000', BENCH_STEADY_S: '2', BENCH_LOGINS: '2', BENCH_STAFF: '1000', BENCH_MIX: '20000',
};
const QUICK_DIR = join(RESULTS_DIR, 'quick');

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
    'no-run': { type: 'boolean', default: false },
    'timeout-min': { type: 'string' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const available = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));

if (values.help) {
  process.stdout.write(`Usage: npm run bench -- [--only ${available.join(',')}] [--quick] [--no-docs] [--no-run] [--timeout-min N] [--list]\n`);
  process.exit(0);
}
if (values.list) {
  process.stdout.write(`${available.join('\n')}\n`);
  process.exit(0);
}
const selected = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : available;
const unknown = selected.filter((s) => !available.includes(s));
if (unknown.length > 0 || selected.length === 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ') || '(none given)'}; available: ${available.join(', ')}\n`);
  process.exit(2);
}

const timeoutMin = Number(values['timeout-min'] ?? (values.quick ? 10 : 30));
if (!(timeoutMin > 0)) {
  process.stderr.write(`--timeout-min must be a positive number of minutes, got ${values['timeout-min']}\n`);
  process.exit(2);
}
const resultsDir = values.quick ? QUICK_DIR : RESULTS_DIR;
mkdirSync(resultsDir, { recursive: true });
if (values.quick && !existsSync(join(QUICK_DIR, '.gitignore'))) writeFileSync(join(QUICK_DIR, '.gitignore'), '# smoke-run results of `npm run bench -- --quick`: never committed\n*\n');
const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RESULTS_DIR: resultsDir, BENCH_QUICK: values.quick ? '1' : '0' };
if (values.quick) for (const [k, v] of Object.entries(QUICK_ENV)) env[k] ??= v;

/** Runs one benchmark; resolves to its exit code (1 when killed by a signal or stopped at the timeout). */
function runOne(name: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, `${name}.ts`)], { cwd: ROOT, env, stdio: 'inherit' });
    let kill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      process.stderr.write(`bench/${name}.ts still running after ${timeoutMin} min: stopping it\n`);
      child.kill('SIGTERM');
      kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    }, timeoutMin * 60_000);
    const done = (code: number) => {
      clearTimeout(timer);
      clearTimeout(kill);
      resolve(code);
    };
    child.once('error', () => done(1));
    child.once('exit', (code) => done(code ?? 1));
  });
}

const failures: string[] = [];
for (const name of values['no-run'] ? [] : selected) {
  process.stdout.write(`\n=== bench/${name}.ts${values.quick ? ' (quick)' : ''} ===\n`);
  const started = Date.now();
  const code = await runOne(name);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const file = join(resultsDir, `${name}.json`);
  let fresh = false;
  try {
    fresh = Date.parse(parseResult(JSON.parse(readFileSync(file, 'utf8')), file).date) >= started;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  }
  if (code !== 0 || !fresh) failures.push(`${name}: exit code ${code}${fresh ? '' : ', no fresh valid result file'}`);
  process.stdout.write(`=== ${name}: exit ${code} after ${seconds} s${fresh ? '' : ' (no fresh result)'} ===\n`);
}

// Summarize every result in the directory (also those of benchmarks not run this time: each keeps its date).
const results: BenchResult[] = [];
for (const f of readdirSync(resultsDir).filter((f) => f.endsWith('.json') && f !== 'summary.json')) {
  const name = f.slice(0, -5);
  try {
    results.push(parseResult(JSON.parse(readFileSync(join(resultsDir, f), 'utf8')), join(resultsDir, f)));
  } catch (e) {
    failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
results.sort((a, b) => (ORDER.indexOf(a.name) + 1 || 99) - (ORDER.indexOf(b.name) + 1 || 99) || a.name.localeCompare(b.name));
const summary = buildSummary(results);
const markdown = summaryMarkdown(summary);
writeFileSync(join(resultsDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
writeFileSync(join(resultsDir, 'summary.md'), markdown);

process.stdout.write(`\nFigures (${resultsDir}):\n`);
console.table(figureConsoleRows(summary.benches.flatMap((b) => b.figures)));
process.stdout.write(`Goals: ${summary.totals.met} of ${summary.totals.goals} met\n`);
console.table(goalConsoleRows(summary.goals));
if (!values.quick && !values['no-docs']) {
  writeFileSync(DOCS, replaceBetweenMarkers(readFileSync(DOCS, 'utf8'), markdown));
  process.stdout.write(`docs/benchmarks.md: results section rewritten\n`);
}
if (failures.length > 0) {
  process.stderr.write(`\nFailed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
  process.exit(1);
}
