/**
 * The pure parts of the benchmark runner (issue 10): figure statistics, the result file shape,
 * the summary and goals tables built from result JSON, and the rewrite of docs/benchmarks.md
 * between its markers. No timing is measured or asserted here.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alternate, figure, percentile, writeResult, type BenchResult } from '../bench/lib/report.js';
import { MARKER_END, MARKER_START, buildSummary, formatValue, goalsMarkdown, parseResult, replaceBetweenMarkers, summaryMarkdown } from '../bench/lib/summary.js';

const machine = { cpuModel: 'Test CPU', cpus: 2, memoryBytes: 8 * 2 ** 30, os: 'Linux', platform: 'linux', release: '6.1.0', node: 'v20.20.2', loadAverage: [0.5, 0.4, 0.3] };

function result(name: string, goals: BenchResult['goals'], extra: Partial<BenchResult> = {}): BenchResult {
  return { name, date: '2026-11-23T12:00:00.000Z', machine, method: `${name} method`, figures: { rate: figure([10, 30, 20], 'req/s', `${name} rate`), lat: figure([5], 'ms') }, goals, ...extra };
}

describe('figure', () => {
  it('takes the middle sample as the median of an odd count, whatever the order', () => {
    const f = figure([30, 10, 20], 'req/s');
    expect(f).toMatchObject({ unit: 'req/s', median: 20, min: 10, max: 30, samples: [30, 10, 20] });
    expect(f.spread).toBeCloseTo(1); // (30 − 10) / 20
  });

  it('averages the two middle samples of an even count', () => {
    const f = figure([4, 1, 3, 2], 'ms');
    expect(f.median).toBe(2.5);
    expect(f.spread).toBeCloseTo(3 / 2.5);
  });

  it('gives zeros and no spread for no samples or a zero median', () => {
    expect(figure([], 'ms')).toMatchObject({ median: 0, min: 0, max: 0, spread: 0 });
    expect(figure([0, 0, 5], 'ms').spread).toBe(0);
  });

  it('keeps a label when given one', () => {
    expect(figure([1], 'ms', 'p99 latency').label).toBe('p99 latency');
    expect(figure([1], 'ms')).not.toHaveProperty('label');
  });
});

describe('percentile (nearest rank)', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted
  it('picks the nearest-rank value', () => {
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 95)).toBe(0);
  });
});

describe('alternate', () => {
  it('runs the variants in turn, round by round, one sample each', async () => {
    const calls: string[] = [];
    let n = 0;
    const variant = (name: string) => async () => {
      calls.push(name);
      return ++n;
    };
    const samples = await alternate(3, { a: variant('a'), b: variant('b'), c: variant('c') });
    expect(calls).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
    expect(samples).toEqual({ a: [1, 4, 7], b: [2, 5, 8], c: [3, 6, 9] });
  });
});

describe('result files', () => {
  const dirs: string[] = [];
  const saved = { dir: process.env.BENCH_RESULTS_DIR, quick: process.env.BENCH_QUICK };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    for (const [k, v] of [['BENCH_RESULTS_DIR', saved.dir], ['BENCH_QUICK', saved.quick]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('writes <dir>/<name>.json with the date, the machine and the quick flag, in the uniform shape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-bench-'));
    dirs.push(dir);
    process.env.BENCH_RESULTS_DIR = dir;
    process.env.BENCH_QUICK = '1';
    const file = writeResult({ name: 'sample', method: 'm', figures: { x: figure([1, 2, 3], 'ms') }, goals: [{ issue: 10, text: 'x under 5 ms', met: true, measured: '2 ms' }] });
    expect(file).toBe(join(dir, 'sample.json'));
    const written = parseResult(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(written.quick).toBe(true);
    expect(written.machine.cpus).toBeGreaterThan(0);
    expect(written.machine.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(written.date))).toBe(false);
    expect(written.goals).toEqual([{ issue: 10, text: 'x under 5 ms', met: true, measured: '2 ms' }]);
  });

  it('refuses to write a goal without its issue', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-bench-'));
    dirs.push(dir);
    process.env.BENCH_RESULTS_DIR = dir;
    expect(() => writeResult({ name: 'bad', method: 'm', figures: {}, goals: [{ text: 'no issue', met: true, measured: '' } as never] })).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects the old goal shape, naming the file and the field', () => {
    const legacy = { ...result('old', []), goals: [{ description: 'gateway ≥ 70%', met: false, measured: '12%' }] };
    expect(() => parseResult(legacy, 'bench/results/old.json')).toThrow(/bench\/results\/old\.json.*goals\.0\.issue/);
  });

  it('every committed result in bench/results has the uniform shape', () => {
    const dir = join(import.meta.dirname, '..', 'bench', 'results');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'summary.json');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const r = parseResult(JSON.parse(readFileSync(join(dir, f), 'utf8')), f);
      expect(r.name).toBe(f.slice(0, -5));
      expect(r.goals.length).toBeGreaterThan(0);
    }
  });
});

describe('summary', () => {
  const results = [
    result('gateway', [
      { issue: 5, text: 'auth/me ≥ 70% of bare', met: false, measured: '18%' },
      { issue: 10, text: 'auth/me ≥ 2× Express', met: true, measured: '2.4×' },
    ]),
    result('memory', [{ issue: 10, text: 'peak RSS < 256 MiB', met: true, measured: '120 MiB' }], { quick: true, figures: { rssPeak: figure([150 * 2 ** 20], 'bytes', 'RSS peak') } }),
  ];

  it('lists every goal of every benchmark once, with met and not-met counts', () => {
    const s = buildSummary(results, new Date('2026-11-24T00:00:00Z'));
    expect(s.generatedAt).toBe('2026-11-24T00:00:00.000Z');
    expect(s.goals.map((g) => [g.bench, g.issue, g.met])).toEqual([['gateway', 5, false], ['gateway', 10, true], ['memory', 10, true]]);
    expect(s.totals).toEqual({ goals: 3, met: 2, notMet: 1 });
    expect(s.quick).toBe(true);
  });

  it('gives each figure its median, spread and sample count, labelled by its label or else its key', () => {
    const [gateway] = buildSummary(results).benches;
    expect(gateway!.figures).toEqual([
      { bench: 'gateway', key: 'rate', label: 'gateway rate', unit: 'req/s', median: 20, spread: 1, n: 3 },
      { bench: 'gateway', key: 'lat', label: 'lat', unit: 'ms', median: 5, spread: 0, n: 1 },
    ]);
    expect(gateway!.machine).toBe('Test CPU, 2 cores, 8.0 GiB, Linux 6.1.0, Node v20.20.2 (load 0.5)');
  });

  it('marks unmet goals in the goals table and escapes pipes', () => {
    const md = goalsMarkdown([...buildSummary(results).goals, { bench: 'x', issue: 1, text: 'a | b', met: true, measured: 'ok' }]);
    const rows = md.split('\n');
    expect(rows[0]).toBe('| benchmark | issue | goal | met | measured |');
    expect(rows[2]).toBe('| gateway | #5 | auth/me ≥ 70% of bare | **not met** | 18% |');
    expect(rows[3]).toBe('| gateway | #10 | auth/me ≥ 2× Express | met | 2.4× |');
    expect(rows[5]).toBe('| x | #1 | a \\| b | met | ok |');
  });

  it('renders per benchmark its date, machine, method and figures, flagging quick runs', () => {
    const md = summaryMarkdown(buildSummary(results));
    expect(md).toContain('2 of 3 goals met');
    expect(md).toContain('Includes quick smoke runs');
    expect(md).toContain('#### gateway\n');
    expect(md).toContain('#### memory (quick run)');
    expect(md).toContain('Measured 2026-11-23T12:00:00.000Z on Test CPU');
    expect(md).toContain('Method: gateway method');
    expect(md).toContain('| gateway rate | 20.0 req/s | 100% | 3 |');
    expect(md).toContain('| RSS peak | 150.0 MiB | 0% | 1 |');
  });

  it('formats values by size and unit', () => {
    expect(formatValue(32518.4, 'req/s')).toBe('32,518 req/s');
    expect(formatValue(14_018_341, 'decisions/s')).toBe('14.02 M decisions/s');
    expect(formatValue(256 * 2 ** 20, 'bytes')).toBe('256.0 MiB');
    expect(formatValue(123.4, 'ms')).toBe('123 ms');
    expect(formatValue(2.537, 'ms')).toBe('2.54 ms');
  });
});

describe('docs/benchmarks.md markers', () => {
  const doc = `# Benchmarks\n\nhand-written\n\n${MARKER_START}\nold figures\n${MARKER_END}\n\nfooter\n`;

  it('replaces only what stands between the markers, and a second run gives the same document', () => {
    const once = replaceBetweenMarkers(doc, 'new table\n');
    expect(once).toBe(`# Benchmarks\n\nhand-written\n\n${MARKER_START}\nnew table\n${MARKER_END}\n\nfooter\n`);
    expect(replaceBetweenMarkers(once, 'new table\n')).toBe(once);
  });

  it('refuses a document without the markers', () => {
    expect(() => replaceBetweenMarkers('# Benchmarks\n', 'x')).toThrow(/markers/);
    expect(() => replaceBetweenMarkers(`${MARKER_END}\n${MARKER_START}`, 'x')).toThrow(/markers/);
  });

  it('the real docs/benchmarks.md has the markers', () => {
    const real = readFileSync(join(import.meta.dirname, '..', 'docs', 'benchmarks.md'), 'utf8');
    expect(() => replaceBetweenMarkers(real, 'x')).not.toThrow();
  });
});
