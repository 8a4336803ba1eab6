/**
 * `npm run build:functions`: bundles every `functions/<name>/main.ts` into
 * `functions/<name>/dist/main.js` (the `entrypoint` of `appwrite.json`). Functions without a
 * `main.ts` are listed and skipped. Exits 1 when a bundle fails.
 * @module
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FUNCTIONS } from '../functions/definitions.js';
import { bundleFunction } from './bundle-function.js';

const ROOT = resolve(import.meta.dirname, '..');
let failed = false;
for (const f of FUNCTIONS) {
  const entry = join(ROOT, 'functions', f.$id, 'main.ts');
  if (!existsSync(entry)) {
    process.stdout.write(`skip  ${f.$id}: no functions/${f.$id}/main.ts yet\n`);
    continue;
  }
  try {
    const r = await bundleFunction(entry, join(ROOT, 'functions', f.$id, 'dist'));
    process.stdout.write(`built ${f.$id}: ${r.files.map((x) => x.slice(ROOT.length + 1)).join(', ')} (${Math.round(r.bytes / 1024)} KiB)\n`);
  } catch (e) {
    failed = true;
    process.stderr.write(`fail  ${f.$id}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
process.exit(failed ? 1 : 0);
