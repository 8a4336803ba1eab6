/**
 * Shared benchmark reporting: machine info, repeated-run statistics and the JSON result file
 * `bench/results/<name>.json` that `npm run bench` summarizes.
 */
import { cpus, totalmem, platform, release } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Median, spread and the raw samples of one figure over repeated runs. */
export interface Figure {
  unit: string;
  median: number;
  min: number;
  max: number;
  /** (max - min) / median, as a fraction. */
  spread: number;
  samples: number[];
}

/** A goal the issue sets, evaluated on the measured figures. */
export interface Goal {
  description: string;
  met: boolean;
  /** The measured value the goal is judged on, with its unit. */
  measured: string;
}

export interface BenchResult {
  name: string;
  date: string;
  machine: { cpus: number; cpuModel: string; memoryBytes: number; platform: string; release: string; node: string };
  /** What was compared and how (peers, the limit, alternation). */
  method: string;
  figures: Record<string, Figure>;
  goals: Goal[];
}

/** Summarizes samples into a {@link Figure}. */
export function figure(samples: number[], unit: string): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  return { unit, median, min, max, spread: median === 0 ? 0 : (max - min) / median, samples };
}

/** The p-th percentile (0..100) of values (nearest-rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function machineInfo(): BenchResult['machine'] {
  const c = cpus();
  return { cpus: c.length, cpuModel: c[0]?.model ?? 'unknown', memoryBytes: totalmem(), platform: platform(), release: release(), node: process.version };
}

/** Writes `bench/results/<name>.json` and returns its path. */
export function writeResult(result: Omit<BenchResult, 'date' | 'machine'>): string {
  const full: BenchResult = { ...result, date: new Date().toISOString(), machine: machineInfo() };
  const dir = join(import.meta.dirname, '..', 'results');
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
