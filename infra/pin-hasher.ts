/**
 * PIN hashing and verification on a worker-thread pool (piscina + bcryptjs).
 *
 * Why a pool: bcryptjs is pure JavaScript, and even its async API burns the calling thread
 * (DESIGN.md, performance notes: 22 / 94 / 371 ms per verification at cost 8 / 10 / 12 on
 * 2 cores). Run on the main thread, a burst of PIN logins would stall every other request; on
 * the pool the event loop stays free and throughput is bounded by the cores.
 *
 * What is hashed: bcrypt(HMAC-SHA256(pepper, pin) as hex) — peppered before bcrypt (OWASP
 * Password Storage Cheat Sheet, "Peppering"), 64 ASCII bytes, inside bcrypt's 72-byte input
 * limit. The worker never receives the PIN or the pepper, only the HMAC.
 * @module
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { AppError, INTERNAL_MESSAGE } from '../core/errors.js';
import { pepperedPin } from '../core/pin/lookup.js';
import { PIN_HISTORY_DEPTH } from '../core/pin/policy.js';
import type { PinHasherTask } from './pin-hasher-worker.js';

/** bcrypt cost bounds accepted here (bcrypt allows 4-31; `PIN_BCRYPT_COST` allows 4-15). */
export const BCRYPT_COST_BOUNDS = { min: 4, max: 31 } as const;
/** Default cost (issue 6): about 94 ms per verification on this project's 2-core machine. */
export const DEFAULT_PIN_BCRYPT_COST = 10;

export interface PinHasherOptions {
  /** Worker threads (default: `os.availableParallelism()`, i.e. the cores). */
  threads?: number;
  /** bcrypt cost for {@link PinHasher.hashPin} when none is given (default 10). */
  cost?: number;
  /** Tasks allowed to wait for a thread before new ones are refused (default 1000). */
  maxQueue?: number;
}

export interface PinHasher {
  /** Number of worker threads. */
  readonly threads: number;
  /**
   * bcrypt hash (60 characters, `$2b$`) of the peppered PIN.
   * @param cost bcrypt cost 4-31 (default: the pool's).
   * @throws AppError VALIDATION_FAILED (PIN not digits, bad cost), RATE_LIMITED (queue full,
   *   Retry-After 1 s), INTERNAL (pool closed or worker failure).
   */
  hashPin(pepper: string, pin: string, cost?: number): Promise<string>;
  /**
   * Whether `pin` matches `hash` (false for a malformed hash).
   * @throws AppError as {@link hashPin}.
   */
  verifyPin(pepper: string, pin: string, hash: string): Promise<boolean>;
  /**
   * Whether `pin` matches one of the newest {@link PIN_HISTORY_DEPTH} hashes of `history`
   * (newest first) — issue 6: "never reused from the last 3". Verifies in parallel.
   * @throws AppError as {@link hashPin}.
   */
  isReused(pepper: string, pin: string, history: readonly string[]): Promise<boolean>;
  /** Stops the threads; later calls reject with INTERNAL. */
  close(): Promise<void>;
}

function assertCost(cost: number): void {
  if (!Number.isInteger(cost) || cost < BCRYPT_COST_BOUNDS.min || cost > BCRYPT_COST_BOUNDS.max) {
    throw new AppError('VALIDATION_FAILED', `bcrypt cost must be an integer ${BCRYPT_COST_BOUNDS.min}-${BCRYPT_COST_BOUNDS.max}.`);
  }
}

/**
 * The worker module next to this one: `.js` when compiled; when running from TypeScript source
 * (tsx, vitest) the `.ts` file, loaded through tsx's ESM hook in the worker.
 */
function workerSetup(): { filename: string; execArgv: string[] | undefined } {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return { filename: new URL('./pin-hasher-worker.js', self).href, execArgv: undefined };
  const tsx = pathToFileURL(createRequire(self).resolve('tsx')).href;
  return { filename: new URL('./pin-hasher-worker.ts', self).href, execArgv: ['--import', tsx] };
}

/**
 * Starts the pool (threads start at once, so the first login pays no start-up).
 * @throws AppError VALIDATION_FAILED on a bad thread count, cost or queue size.
 */
export function createPinHasher(options: PinHasherOptions = {}): PinHasher {
  const threads = options.threads ?? availableParallelism();
  const defaultCost = options.cost ?? DEFAULT_PIN_BCRYPT_COST;
  const maxQueue = options.maxQueue ?? 1000;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new AppError('VALIDATION_FAILED', 'threads must be 1-256.');
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new AppError('VALIDATION_FAILED', 'maxQueue must be >= 0.');
  assertCost(defaultCost);
  const { filename, execArgv } = workerSetup();
  const pool = new Piscina<PinHasherTask, string | boolean>({
    filename,
    ...(execArgv === undefined ? {} : { execArgv }),
    minThreads: threads,
    maxThreads: threads,
    maxQueue,
    idleTimeout: 60_000,
    name: 'default',
  });
  let closed = false;

  async function runTask(task: PinHasherTask): Promise<string | boolean> {
    if (closed) throw new AppError('INTERNAL', INTERNAL_MESSAGE, { cause: new Error('PIN hasher is closed') });
    try {
      return await pool.run(task);
    } catch (e) {
      if (e instanceof Error && /queue is at limit/i.test(e.message)) {
        throw new AppError('RATE_LIMITED', 'Too many PIN verifications are waiting; retry shortly.', { cause: e, retryAfterSeconds: 1 });
      }
      throw new AppError('INTERNAL', INTERNAL_MESSAGE, { cause: e });
    }
  }

  async function verify(input: string, hash: string): Promise<boolean> {
    if (typeof hash !== 'string' || hash.length !== 60) return false;
    return (await runTask({ op: 'verify', input, hash })) === true;
  }

  return {
    threads,
    async hashPin(pepper, pin, cost = defaultCost) {
      assertCost(cost);
      const out = await runTask({ op: 'hash', input: pepperedPin(pepper, pin), cost });
      if (typeof out !== 'string') throw new AppError('INTERNAL', INTERNAL_MESSAGE);
      return out;
    },
    async verifyPin(pepper, pin, hash) {
      return verify(pepperedPin(pepper, pin), hash);
    },
    async isReused(pepper, pin, history) {
      const input = pepperedPin(pepper, pin);
      const results = await Promise.all(history.slice(0, PIN_HISTORY_DEPTH).map((h) => verify(input, h)));
      return results.includes(true);
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.destroy();
    },
  };
}
