/**
 * Bundles one Appwrite Function into a self-contained folder (`dist/main.js`, plus
 * `dist/pin-hasher-worker.js` when the function hashes PINs): the Appwrite CLI uploads only the
 * function's folder, so every import (core, infra, npm packages) is inlined by esbuild.
 * @module
 */
import { dirname, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { build, type BuildOptions } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const WORKER = join(ROOT, 'infra', 'pin-hasher-worker.ts');

/** ESM bundles of CommonJS packages need `require`; the banner provides it (esbuild FAQ). */
const BANNER = [
  "import { createRequire as __tgCreateRequire } from 'node:module';",
  "import { dirname as __tgDirname } from 'node:path';",
  "import { fileURLToPath as __tgFileUrlToPath } from 'node:url';",
  'const require = __tgCreateRequire(import.meta.url);',
  // piscina resolves its own `worker.js` from __dirname: it is shipped beside main.js.
  'const __filename = __tgFileUrlToPath(import.meta.url);',
  'const __dirname = __tgDirname(__filename);',
].join(' ');
const PISCINA_WORKER = join(dirname(resolvePackageFile('piscina')), 'worker.js');

/** Absolute path of a file inside an installed package. */
function resolvePackageFile(specifier: string): string {
  return createRequire(import.meta.url).resolve(specifier);
}

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  banner: { js: BANNER },
  logLevel: 'silent',
};

export interface BundleResult {
  entry: string;
  outDir: string;
  files: string[];
  /** Size of `main.js`, bytes. */
  bytes: number;
}

/**
 * @param entry the function's `main.ts`.
 * @param outDir where `main.js` goes (e.g. `functions/<name>/dist`).
 * @throws the esbuild error (unresolvable import, syntax error) naming the file.
 */
export async function bundleFunction(entry: string, outDir: string): Promise<BundleResult> {
  const main = await build({ ...common, entryPoints: { main: entry }, outdir: outDir, metafile: true });
  const files = [join(outDir, 'main.js')];
  const inputs = Object.keys(main.metafile.inputs).map((p) => resolve(ROOT, p));
  if (inputs.some((p) => p === join(ROOT, 'infra', 'pin-hasher.ts'))) {
    // infra/pin-hasher.ts loads its worker from next to itself: ship it beside main.js.
    // infra/pin-hasher.ts loads its task module from next to itself, and piscina its thread
    // bootstrap (`worker.js`) from its own folder: ship both beside main.js.
    // @napi-rs/nice (thread niceness) is optional in piscina and loaded in a try/catch.
    await build({ ...common, entryPoints: { 'pin-hasher-worker': WORKER, worker: PISCINA_WORKER }, outdir: outDir, external: ['@napi-rs/nice'] });
    files.push(join(outDir, 'pin-hasher-worker.js'), join(outDir, 'worker.js'));
  }
  const out = main.metafile.outputs[relative(process.cwd(), join(outDir, 'main.js'))] ?? Object.values(main.metafile.outputs)[0];
  return { entry, outDir, files, bytes: out?.bytes ?? 0 };
}
