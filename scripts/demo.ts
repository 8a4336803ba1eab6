/**
 * `npm run demo [-- --gateway URL] [--appwrite URL] [--project ID] [--logins FILE] [--short]`:
 * a POS shift driven the way the Flutter app drives it (the real `appwrite` web SDK for sessions
 * and sales, HTTP calls to the gateway for everything else) against a stack started with
 * `npm start`, reading the demo logins from `.data/demo-logins.json`. Prints each step and a
 * shift summary; exit code 0 passed, 1 an unexpected answer, 2 cannot run (scripts/demo/run.ts).
 * Re-runnable against the same stack: each run enrolls a fresh till and unlocks what it locks.
 * @module
 */
import { DemoSetupError, EXIT } from './demo/errors.js';
import { parseDemoArgs, USAGE } from './demo/options.js';
import { runDemo } from './demo/run.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseDemoArgs(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof DemoSetupError) {
      process.stderr.write(`demo: ${e.message}\n`);
      return EXIT.setup;
    }
    throw e;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.passed;
  }
  return runDemo(options, { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = EXIT.failed;
  },
);
