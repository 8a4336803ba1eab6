/**
 * The periodic reconcile sweep of the embedded stack (issue 8 item 4: "The embedded stack runs it
 * periodically"): every `intervalSeconds` (config `RECONCILE_INTERVAL_SECONDS`, 0 = off) one
 * sweep with repairs; sweeps never overlap; a failed sweep is logged and the next one runs on
 * schedule.
 * @module
 */
import type { Logger } from '../logger.js';
import { reconcile, type ReconcileOptions, type ReconcileReport } from './reconcile.js';

export interface ReconcileLoop {
  /** Runs one sweep now (waits for a running one first). */
  runNow(): Promise<ReconcileReport | undefined>;
  /** Stops the timer and waits for a running sweep. */
  stop(): Promise<void>;
}

/** Starts the loop; the first sweep runs after one interval. */
export function startReconcileLoop(options: Omit<ReconcileOptions, 'log'> & { intervalSeconds: number; log: Logger }): ReconcileLoop {
  let running: Promise<ReconcileReport | undefined> | undefined;
  const sweep = (): Promise<ReconcileReport | undefined> => {
    if (running) return running;
    running = reconcile(options)
      .then((r) => {
        const level = r.differences > 0 ? 'warn' : 'info';
        options.log[level]({ repaired: r.repaired, differences: r.differences, durationMs: r.durationMs }, 'mirror reconcile sweep');
        return r;
      })
      .catch((err: unknown) => {
        options.log.error({ err }, 'mirror reconcile sweep failed');
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = options.intervalSeconds > 0 ? setInterval(() => void sweep(), options.intervalSeconds * 1000) : undefined;
  timer?.unref();
  return {
    async runNow() {
      if (running) await running;
      return sweep();
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (running) await running;
    },
  };
}
