/**
 * Vitest reporter of the reliability suite: after the run it prints one table of the counts each
 * test reported (`counts.ts`: requests fuzzed, faults injected, entries checked, p99 …), the
 * totals per count, each file's duration and the suite's wall time, and writes the same data as
 * JSON to `RELIABILITY_REPORT` (default `.data/reliability-report.json`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { META_KEY, type Counts } from './counts.js';

interface TestRow {
  file: string;
  test: string;
  state: string;
  durationMs: number;
  counts: Counts;
}

export default class ReliabilitySummaryReporter implements Reporter {
  private started = Date.now();

  onInit(): void {
    this.started = Date.now();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const tests: TestRow[] = [];
    const files: { file: string; durationMs: number; state: string }[] = [];
    for (const m of modules) {
      files.push({ file: m.relativeModuleId, durationMs: Math.round(m.diagnostic().duration), state: m.state() });
      for (const t of m.children.allTests()) {
        const counts = ((t.meta() as Record<string, unknown>)[META_KEY] ?? {}) as Counts;
        tests.push({ file: m.relativeModuleId, test: t.fullName, state: t.result().state, durationMs: Math.round(t.diagnostic()?.duration ?? 0), counts });
      }
    }
    const totals: Record<string, number> = {};
    for (const t of tests) for (const [k, v] of Object.entries(t.counts)) if (typeof v === 'number') totals[k] = (totals[k] ?? 0) + v;
    const wallMs = Date.now() - this.started;
    const report = { finishedAt: new Date().toISOString(), wallMs, totals, files, tests };
    const out = resolve(process.env.RELIABILITY_REPORT ?? '.data/reliability-report.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

    const lines: string[] = ['', 'Reliability summary'];
    for (const t of tests) {
      const figures = Object.entries(t.counts).map(([k, v]) => `${k}=${typeof v === 'number' ? v.toLocaleString('en-US') : v}`).join('  ');
      lines.push(`  ${t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '·'} ${t.test} (${(t.durationMs / 1000).toFixed(1)} s)${figures ? `\n      ${figures}` : ''}`);
    }
    lines.push('  totals:');
    for (const [k, v] of Object.entries(totals)) lines.push(`    ${k.padEnd(28)} ${v.toLocaleString('en-US')}`);
    lines.push('  files:');
    for (const f of files) lines.push(`    ${f.file.padEnd(48)} ${(f.durationMs / 1000).toFixed(1).padStart(7)} s  ${f.state}`);
    lines.push(`  wall time: ${(wallMs / 1000).toFixed(1)} s; report: ${out}`, '');
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
