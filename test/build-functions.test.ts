/**
 * Function bundles are self-contained: built into a folder outside the repository, they load
 * with plain `node` (no tsx, no node_modules next to them), answer through Appwrite's context,
 * and a function that hashes PINs ships its worker thread beside main.js.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '../scripts/bundle-function.js';

const ROOT = resolve(import.meta.dirname, '..');

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function fixture(name: string, source: string): { entry: string; outDir: string } {
  const dir = mkdtempSync(join(ROOT, 'functions', `.fixture-${name}-`));
  created.push(dir);
  const entry = join(dir, 'main.ts');
  writeFileSync(entry, source);
  return { entry, outDir: mkdtempSync(join(tmpdir(), `tg-bundle-${name}-`)) };
}

/** Runs the bundle's default export with a minimal Appwrite context in a plain node process. */
function runBundle(outDir: string, body: unknown, headers: Record<string, string>): { statusCode: number; body: unknown } {
  const script = `
    const { default: entry } = await import(${JSON.stringify(join(outDir, 'main.js'))});
    const res = { json: (b, s = 200) => ({ body: JSON.stringify(b), statusCode: s, headers: {} }) };
    const out = await entry({ req: { bodyJson: ${JSON.stringify(body)}, bodyText: ${JSON.stringify(JSON.stringify(body))}, headers: ${JSON.stringify(headers)} }, res, log: () => {}, error: () => {},
      env: { APPWRITE_FUNCTION_API_ENDPOINT: 'http://127.0.0.1:9/v1', APPWRITE_FUNCTION_PROJECT_ID: 'p', LOG_LEVEL: 'silent' } });
    process.stdout.write(JSON.stringify({ statusCode: out.statusCode, body: JSON.parse(out.body) }));
    process.exit(0);`;
  // A script file, not `-e`: worker threads inherit execArgv, and `--input-type` breaks them.
  const file = join(mkdtempSync(join(tmpdir(), 'tg-run-')), 'run.mjs');
  writeFileSync(file, script);
  const out = execFileSync(process.execPath, [file], { cwd: tmpdir(), encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(out) as { statusCode: number; body: unknown };
}

describe('build:functions bundles', () => {
  it('run with plain node and keep the error envelope of defineFunction', async () => {
    const f = fixture('echo', `
      import { defineFunction, z } from '${ROOT}/functions/_runtime/define-function.js';
      export default defineFunction({ name: 'echo', triggers: ['http'], input: z.object({ n: z.number().int() }), setup: () => ({}),
        handle: async (input) => ({ doubled: input.n * 2 }) });`);
    const r = await bundleFunction(f.entry, f.outDir);
    expect(readdirSync(f.outDir)).toEqual(['main.js']);
    expect(r.bytes).toBeGreaterThan(1000);
    expect(runBundle(f.outDir, { n: 21 }, { 'x-appwrite-key': 'k', 'x-appwrite-trigger': 'http' })).toEqual({ statusCode: 200, body: { doubled: 42 } });
    const bad = runBundle(f.outDir, { n: 'x' }, { 'x-appwrite-key': 'k', 'x-appwrite-trigger': 'http', 'x-appwrite-execution-id': 'e1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', requestId: 'e1' } });
  });

  it('ships the PIN hasher worker beside main.js and it verifies PINs', async () => {
    const f = fixture('pin', `
      import { defineFunction, z } from '${ROOT}/functions/_runtime/define-function.js';
      import { createPinHasher } from '${ROOT}/infra/pin-hasher.js';
      export default defineFunction({ name: 'pin', triggers: ['http'], input: z.object({ pin: z.string() }), setup: () => createPinHasher({ threads: 1, cost: 4 }),
        handle: async (input, hasher) => { const hash = await hasher.hashPin('p'.repeat(32), input.pin); const ok = await hasher.verifyPin('p'.repeat(32), input.pin, hash); await hasher.close(); return { ok, bcrypt: hash.startsWith('$2') }; } });`);
    await bundleFunction(f.entry, f.outDir);
    expect(readdirSync(f.outDir).sort()).toEqual(['main.js', 'pin-hasher-worker.js', 'worker.js']);
    expect(runBundle(f.outDir, { pin: '4826' }, { 'x-appwrite-key': 'k', 'x-appwrite-trigger': 'http' })).toEqual({ statusCode: 200, body: { ok: true, bcrypt: true } });
  });
});
