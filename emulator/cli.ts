/**
 * `npm run emulator -- [--port 8090] [--host 127.0.0.1] [--project tillgate] [--api-key K] [--data-file F]`
 *
 * Runs the embedded Appwrite emulator on its own and prints its endpoint, project id and API key
 * (one `key: value` per line, so scripts can read them). Stops gracefully on SIGINT/SIGTERM:
 * waits for function executions in flight and flushes the data file.
 * @module
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8090' },
    host: { type: 'string', default: '127.0.0.1' },
    project: { type: 'string', default: 'tillgate' },
    'api-key': { type: 'string' },
    'data-file': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write('Usage: npm run emulator -- [--port N] [--host H] [--project ID] [--api-key KEY] [--data-file FILE]\n');
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be an integer from 0 to 65535, got ${values.port}\n`);
  process.exit(2);
}

try {
  const emu = await startEmulator({
    port,
    host: values.host,
    projectId: values.project,
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
    ...(values['data-file'] ? { dataFile: values['data-file'] } : {}),
    onUnexpectedError: (e) => process.stderr.write(`emulator error: ${e instanceof Error ? e.stack : String(e)}\n`),
  });
  process.stdout.write(`endpoint: ${emu.endpoint}\nproject: ${emu.projectId}\napiKey: ${emu.apiKey}\ndataFile: ${values['data-file'] ?? '(in memory)'}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emu.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`stop failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
