/**
 * How a reliability test reports what it did (requests fuzzed, faults injected, entries checked,
 * latency figures): the counts go into the test's `task.meta`, which vitest hands to the
 * reporters in the main process; `summary-reporter.ts` prints them as a table at the end of the
 * run and writes them to `.data/reliability-report.json`.
 */
import type { TestContext } from 'vitest';

/** One test's figures: counts (numbers) and short notes (strings). */
export type Counts = Record<string, number | string>;

/** Key of the test meta that carries the counts. */
export const META_KEY = 'reliability';

/**
 * Adds `counts` to the current test's report (numbers add up across calls, strings replace).
 * @param ctx the test context (`it('…', async (ctx) => …)`).
 */
export function reportCounts(ctx: TestContext, counts: Counts): void {
  const meta = ctx.task.meta as Record<string, unknown>;
  const current = (meta[META_KEY] ?? {}) as Counts;
  for (const [k, v] of Object.entries(counts)) {
    const prev = current[k];
    current[k] = typeof v === 'number' && typeof prev === 'number' ? prev + v : v;
  }
  meta[META_KEY] = current;
}
