/**
 * Shared benchmark reporting: machine info, repeated-run statistics and the JSON result file
 * `bench/results/<name>.json` that `npm run bench` (bench/run.ts) summarizes.
 *
 * Every benchmark writes one {@link BenchResult}: the machine it ran on, how it measured (the
 * peers, the limit, the alternation), each figure as median and spread over repeated rounds, and
 * every goal its issue sets as `{ issue, text, met, measured }`, judged honestly on the figures.
 *
 * Environment read here: `BENCH_RESULTS_DIR` (where results go; the runner's `--quick` points it
 * at `bench/results/quick/` so smoke runs never overwrite the full figures) and `BENCH_QUICK`
 * (`1` marks the result as a shortened smoke run).
 * @module
 */
import { cpus, loadavg, totalmem, platform, release, type as osType } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** `bench/results`, where full runs write. */
export const RESULTS_DIR = join(import.meta.dirname, '..', 'results');

/** Median, spread and the raw samples of one figure over repeated runs. */
export const FigureSchema = z.object({
  /** Unit of every number here, e.g. `req/s`, `ms`, `bytes`. */
  unit: z.string(),
  /** What the figure is, in words (the summary table shows it; the key is shown when absent). */
  label: z.string().optional(),
  median: z.number(),
  min: z.number(),
  max: z.number(),
  /** (max - min) / median, as a fraction (0 when the median is 0). */
  spread: z.number(),
  samples: z.array(z.number()),
});
export type Figure = z.infer<typeof FigureSchema>;

/** A goal an issue sets, judged on the measured figures. */
export const GoalSchema = z.object({
  /** The issue that sets the goal (its number in the tracker). */
  issue: z.number().int().positive(),
  /** The goal in words, with its threshold. */
  text: z.string().min(1),
  met: z.boolean(),
  /** The measured value the goal is judged on, with its unit. */
  measured: z.string(),
});
export type Goal = z.infer<typeof GoalSchema>;

export const MachineSchema = z.object({
  cpuModel: z.string(),
  /** Logical cores. */
  cpus: z.number(),
  memoryBytes: z.number(),
  /** `os.type()`, e.g. `Linux`. */
  os: z.string().optional(),
  platform: z.string(),
  release: z.string(),
  node: z.string(),
  /** 1, 5 and 15 minute load averages when the result was written: how busy the machine was. */
  loadAverage: z.array(z.number()).optional(),
});

export const BenchResultSchema = z.object({
  name: z.string().min(1),
  /** ISO-8601 UTC, when the result was written. */
  date: z.string(),
  /** True for a shortened smoke run (`npm run bench -- --quick`): not figures to quote. */
  quick: z.boolean().optional(),
  machine: MachineSchema,
  /** What was compared and how (peers, the limit, alternation, rounds). */
  method: z.string(),
  figures: z.record(z.string(), FigureSchema),
  goals: z.array(GoalSchema),
});
export type BenchResult = z.infer<typeof BenchResultSchema>;

/**
 * Summarizes samples into a {@link Figure}: median (mean of the two middle values for an even
 * count), min, max and spread = (max − min) / median. No samples give zeros.
 */
export function figure(samples: number[], unit: string, label?: string): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  return { unit, ...(label ? { label } : {}), median, min, max, spread: median === 0 ? 0 : (max - min) / median, samples };
}

/** The p-th percentile (0..100) of values (nearest-rank); 0 for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The machine the benchmark runs on: CPU model and logical cores, memory, OS, Node, load. */
export function machineInfo(): BenchResult['machine'] {
  const c = cpus();
  return { cpuModel: c[0]?.model ?? 'unknown', cpus: c.length, memoryBytes: totalmem(), os: osType(), platform: platform(), release: release(), node: process.version, loadAverage: loadavg().map((l) => Math.round(l * 100) / 100) };
}

/** True when the runner asked for a shortened smoke run (`BENCH_QUICK=1`). */
export const isQuick = (): boolean => process.env.BENCH_QUICK === '1';

/**
 * Writes `<BENCH_RESULTS_DIR or bench/results>/<name>.json` with the date, machine info and the
 * quick flag added, after checking it against {@link BenchResultSchema} (a malformed result
 * throws rather than being written). Returns the path.
 */
export function writeResult(result: Omit<BenchResult, 'date' | 'machine' | 'quick'>): string {
  const full = BenchResultSchema.parse({ ...result, date: new Date().toISOString(), quick: isQuick(), machine: machineInfo() });
  const dir = process.env.BENCH_RESULTS_DIR ?? RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  return file;
}

/**
 * Runs `variants` alternately `rounds` times (A B C A B C …) so machine drift affects all
 * alike, collecting one sample per variant per round.
 */
export async function alternate<K extends string>(rounds: number, variants: Record<K, () => Promise<number>>): Promise<Record<K, number[]>> {
  const out = Object.fromEntries(Object.keys(variants).map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < rounds; r++) {
    for (const k of Object.keys(variants) as K[]) out[k].push(await variants[k]());
  }
  return out;
}

/** A positive number from the environment, or `fallback` (a bad value throws, naming the key). */
export function envNumber(key: string, fallback: number): number {
  const raw = process.env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${key} must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}
