/**
 * `npm run bench:memory` (or `node --import tsx bench/memory.ts`): the gateway's memory under
 * sustained load (issue 10). The gateway runs in its own process (bench/servers/gateway.ts, with
 * bench/lib/memory-probe.ts preloaded to read `process.memoryUsage()` from the inside), the
 * Appwrite emulator in another; autocannon drives 200 concurrent connections for 60 s with a mix
 * of authenticated reads by 20 managers of two stores (each with its own cached Appwrite JWT):
 * 40% `GET auth/me`, 30% `GET users/:id` (a cashier of the caller's store), 15% `GET users?limit=25`,
 * 15% `GET roles`. Two runs, each with a fresh gateway: compiled and run with plain `node`, as the
 * Dockerfile runs it (judged), then from source under tsx, as `npm start` runs it (reported).
 *
 * Reports RSS and V8 heap used at the start (after one request per user warmed the caches), the
 * peak (the probe samples every 100 ms; on Linux also the kernel's high-water mark `VmHWM`) and
 * the end (when the load stops), in bytes (the summary shows MiB), plus RSS sampled every second.
 * Goal (issue 10): report it; budget: peak RSS < 256 MiB for the compiled gateway. Env:
 * BENCH_SECONDS (default 60), BENCH_CONNECTIONS (default 200). Needs MariaDB and Redis. Writes
 * bench/results/memory.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { createStaff } from '../infra/staff/directory.js';
import type { MemoryReport } from './lib/memory-probe.js';
import { envNumber, figure, writeResult, type Goal } from './lib/report.js';
import { buildCompiled, compiledPath, createBenchUser, startBenchStack, stopServer, type BenchUser } from './lib/stack.js';

const SECONDS = envNumber('BENCH_SECONDS', 60);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 200);
const MANAGERS = 20;
const BUDGET_BYTES = 256 * 2 ** 20;
const MiB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

interface Run {
  start: MemoryReport;
  end: MemoryReport;
  /** RSS sampled every second during the load, bytes. */
  during: number[];
  peakRss: number;
  peakHeap: number;
  result: autocannon.Result;
}

/** The kernel's peak resident set of `pid` in bytes (`VmHWM`), or undefined off Linux. */
function kernelPeakRss(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const stack = await startBenchStack();
try {
  const managers: Array<BenchUser & { storeId: string }> = [];
  const targets: string[] = [];
  for (let i = 0; i < MANAGERS; i++) {
    const storeId = i % 2 === 0 ? 'store-a' : 'store-b';
    managers.push({ storeId, ...(await createBenchUser(stack.admin, { email: `bench.manager${i}@example.com`, name: `Bench Manager ${i}`, role: 'manager', storeId })) });
    targets.push((await createStaff(stack.admin, 'pos', { email: `bench.cashier${i}@example.com`, name: `Bench Cashier ${i}`, role: 'cashier', storeId, password: 'bench password 1' })).userId);
  }
  // 20 requests per cycle: 8 auth/me, 6 users/:id, 3 users list, 3 roles, spread over the managers.
  const kinds = ['me', 'user', 'me', 'list', 'user', 'me', 'roles', 'me', 'user', 'me', 'list', 'user', 'me', 'roles', 'me', 'user', 'me', 'list', 'user', 'roles'] as const;
  const requests = kinds.map((kind, i) => {
    const m = managers[i % MANAGERS]!;
    const path = { me: '/api/v1/auth/me', user: `/api/v1/users/${targets[i % MANAGERS]}`, list: '/api/v1/users?limit=25', roles: '/api/v1/roles' }[kind];
    return { method: 'GET' as const, path, headers: { authorization: `Bearer ${m.jwt}` } };
  });

  /** One gateway process (compiled or from source) under the load; stopped at the end. */
  const measure = async (compiled: boolean): Promise<Run> => {
    const probe = pathToFileURL(compiled ? compiledPath('bench/lib/memory-probe.ts') : join(import.meta.dirname, 'lib', 'memory-probe.ts')).href;
    const gateway = await stack.startGateway({ nodeArgs: ['--import', probe], ipc: true, compiled });
    try {
      const pid = gateway.child.pid!;
      const memory = () =>
        new Promise<MemoryReport>((resolve, reject) => {
          const onMessage = (m: unknown) => {
            if ((m as MemoryReport | null)?.type !== 'memory') return;
            gateway.child.off('message', onMessage);
            clearTimeout(timer);
            resolve(m as MemoryReport);
          };
          const timer = setTimeout(() => {
            gateway.child.off('message', onMessage);
            reject(new Error('the gateway did not answer the memory probe within 10 s'));
          }, 10_000);
          gateway.child.on('message', onMessage);
          gateway.child.send('memory');
        });
      for (const r of requests) {
        const res = await fetch(`${gateway.url}${r.path}`, { headers: r.headers });
        if (res.status !== 200) throw new Error(`${r.path} answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
      const start = await memory();
      const during: number[] = [];
      let peakRss = start.peakRss;
      let peakHeap = start.peakHeapUsed;
      const sampler = setInterval(() => {
        memory().then((m) => {
          during.push(m.rss);
          peakRss = Math.max(peakRss, m.peakRss);
          peakHeap = Math.max(peakHeap, m.peakHeapUsed);
        }, () => undefined);
      }, 1000);
      const result = await autocannon({ url: gateway.url, connections: CONNECTIONS, duration: SECONDS, requests });
      clearInterval(sampler);
      const end = await memory();
      peakRss = Math.max(peakRss, end.peakRss, kernelPeakRss(pid) ?? 0);
      peakHeap = Math.max(peakHeap, end.peakHeapUsed);
      return { start, end, during, peakRss, peakHeap, result };
    } finally {
      await stopServer(gateway.child);
    }
  };

  buildCompiled();
  const built = await measure(true);
  const source = await measure(false);
  const errorsOf = (r: Run) => r.result.errors + r.result.timeouts + r.result.non2xx;
  const goals: Goal[] = [
    { issue: 10, text: `gateway peak RSS under the ${MiB(BUDGET_BYTES)} budget at ${CONNECTIONS} connections for ${SECONDS} s (compiled, as the Dockerfile runs it)`, met: built.peakRss < BUDGET_BYTES, measured: `peak ${MiB(built.peakRss)} (${built.peakRss} bytes); start ${MiB(built.start.rss)}, end ${MiB(built.end.rss)}; heap used peak ${MiB(built.peakHeap)}; from source under tsx: peak ${MiB(source.peakRss)}` },
    { issue: 10, text: 'no errors, timeouts or non-2xx answers under the load', met: errorsOf(built) + errorsOf(source) === 0, measured: `compiled ${errorsOf(built)} of ${built.result.requests.total}, from source ${errorsOf(source)} of ${source.result.requests.total} requests (errors, timeouts, non-2xx)` },
  ];
  const figuresOf = (r: Run, prefix: string, label: string) => ({
    [`${prefix}rssStart`]: figure([r.start.rss], 'bytes', `${label}: RSS at start`),
    [`${prefix}rssPeak`]: figure([r.peakRss], 'bytes', `${label}: RSS peak`),
    [`${prefix}rssEnd`]: figure([r.end.rss], 'bytes', `${label}: RSS at the end`),
    [`${prefix}rssDuringLoad`]: figure(r.during, 'bytes', `${label}: RSS during the load (sampled every second)`),
    [`${prefix}heapUsedStart`]: figure([r.start.heapUsed], 'bytes', `${label}: V8 heap used at start`),
    [`${prefix}heapUsedPeak`]: figure([r.peakHeap], 'bytes', `${label}: V8 heap used, peak`),
    [`${prefix}heapUsedEnd`]: figure([r.end.heapUsed], 'bytes', `${label}: V8 heap used at the end`),
    [`${prefix}throughput`]: figure([r.result.requests.average], 'req/s', `${label}: throughput of the mix`),
    [`${prefix}p99`]: figure([r.result.latency.p99], 'ms', `${label}: p99 latency of the mix`),
  });
  const file = writeResult({
    name: 'memory',
    method:
      `Gateway in its own process with an in-process memory probe (process.memoryUsage every 100 ms; peak RSS also from /proc VmHWM on Linux), Appwrite emulator in another process. ` +
      `Two runs, one after the other, each with a fresh gateway: first compiled by the project's TypeScript (bench/tsconfig.compiled.json extends the production tsconfig.build.json) and run with plain node, as the Dockerfile runs it (judged); then from source under tsx, as npm start runs it (reported: tsx's ESM hooks run on a loader thread of their own in the main thread and in each PIN hasher worker, about 95 MiB more at idle on this machine). ` +
      `Each: autocannon, ${CONNECTIONS} connections, ${SECONDS} s: a fixed cycle of authenticated reads by ${MANAGERS} managers of two stores (cached Appwrite JWTs): 40% GET /api/v1/auth/me, 30% GET /api/v1/users/:id, 15% GET /api/v1/users?limit=25, 15% GET /api/v1/roles. ` +
      `Start = after one warm-up request per request kind and user; end = when the load stops. Rate limits raised out of the way (still counted). RSS includes the PIN hasher worker threads (one per core).`,
    figures: { ...figuresOf(built, '', 'compiled'), ...figuresOf(source, 'source.', 'from source (tsx)') },
    goals,
  });
  process.stdout.write(`compiled: RSS start ${MiB(built.start.rss)}, peak ${MiB(built.peakRss)}, end ${MiB(built.end.rss)}; heap used peak ${MiB(built.peakHeap)}; ${Math.round(built.result.requests.average)} req/s\n`);
  process.stdout.write(`from source: RSS start ${MiB(source.start.rss)}, peak ${MiB(source.peakRss)}, end ${MiB(source.end.rss)}; heap used peak ${MiB(source.peakHeap)}; ${Math.round(source.result.requests.average)} req/s → ${file}\n`);
} finally {
  await stack.stop();
}
process.exit(0);
