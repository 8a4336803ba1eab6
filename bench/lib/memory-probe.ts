/**
 * Preloaded into a server process to let a benchmark read its memory from the inside:
 * `node --import tsx --import <file URL of this module> server.ts`, spawned with an IPC channel.
 * Samples `process.memoryUsage()` every 100 ms (keeping the peaks: a peak between two samples of
 * the parent would be missed) and answers each `'memory'` message with a {@link MemoryReport}.
 * Without an IPC channel it does nothing. Neither the timer nor the channel keeps the process alive.
 * @module
 */

/** Bytes, as `process.memoryUsage()` reports them. */
export interface MemoryReport {
  type: 'memory';
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  peakRss: number;
  peakHeapUsed: number;
}

if (process.send) {
  let peakRss = 0;
  let peakHeapUsed = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
    return m;
  };
  sample();
  setInterval(sample, 100).unref();
  process.on('message', (msg) => {
    if (msg !== 'memory') return;
    const m = sample();
    const report: MemoryReport = { type: 'memory', rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, peakRss, peakHeapUsed };
    process.send!(report);
  });
  process.channel?.unref();
}
