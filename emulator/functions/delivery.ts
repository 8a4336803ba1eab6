/**
 * Event delivery scheduling: applies {@link DeliveryOptions} (duplicates, delays, reordering,
 * losses) to matched deliveries and tracks what is pending, so `idle()` can wait for quiet.
 * Real Appwrite queues events to workers and gives no ordering or exactly-once guarantee; these
 * options let consumers be tested against that.
 * @module
 */
import type { DeliveryOptions } from '../events.js';

/** mulberry32: a small seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Default batch window when `reorder` is on, ms. */
export const DEFAULT_REORDER_WINDOW_MS = 25;

/** Counts what a scheduler did (tests and README examples read it). */
export interface DeliveryStats {
  scheduled: number;
  duplicated: number;
  dropped: number;
}

/**
 * Schedules jobs under the delivery options of the moment. `track` wraps every job so the
 * registry's pending count covers the waiting time too.
 */
export class DeliveryScheduler {
  private rng: () => number = Math.random;
  private rngFor: Readonly<DeliveryOptions> | undefined;
  private batch: (() => void)[] = [];
  private batchWaiting = false;
  readonly stats: DeliveryStats = { scheduled: 0, duplicated: 0, dropped: 0 };

  constructor(
    private readonly options: () => Readonly<DeliveryOptions>,
    private readonly track: { begin(): void; end(): void },
  ) {}

  private random(): number {
    const opts = this.options();
    if (opts !== this.rngFor) {
      this.rngFor = opts;
      this.rng = opts.seed === undefined ? Math.random : mulberry32(opts.seed);
    }
    return this.rng();
  }

  /** Schedules `job` once, twice, or not at all, after the configured delay. */
  schedule(job: () => Promise<void>): void {
    const opts = this.options();
    if (opts.drop && this.random() < opts.drop) {
      this.stats.dropped++;
      return;
    }
    const copies = opts.duplicate && this.random() < opts.duplicate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      this.stats.scheduled++;
      this.track.begin();
      this.batch.push(() => {
        const [min, max] = opts.delayMs ?? [0, 0];
        const delay = Math.max(0, min + (max - min) * this.random());
        setTimeout(() => {
          // A job records its own failures; the catch only keeps a bug from becoming an unhandled rejection.
          void job()
            .catch(() => undefined)
            .finally(() => this.track.end());
        }, delay);
      });
    }
    this.armFlush(opts);
  }

  private armFlush(opts: Readonly<DeliveryOptions>): void {
    if (this.batchWaiting) return;
    this.batchWaiting = true;
    const flush = () => {
      this.batchWaiting = false;
      const items = this.batch;
      this.batch = [];
      if (opts.reorder) {
        for (let i = items.length - 1; i > 0; i--) {
          const j = Math.floor(this.random() * (i + 1));
          [items[i], items[j]] = [items[j]!, items[i]!];
        }
      }
      for (const start of items) start();
    };
    if (opts.reorder) setTimeout(flush, opts.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS);
    else setImmediate(flush);
  }
}
