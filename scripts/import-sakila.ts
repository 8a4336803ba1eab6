/**
 * `npm run import:sakila [-- options]`: imports the Sakila sample store database through Tillgate
 * into Appwrite, then checks that the MariaDB mirror agrees with the source (issue 9 items 2, 3).
 *
 * 1. Loads `sakila-schema.sql` and `sakila-data.sql` into the MariaDB schema `sakila` (on the
 *    server of MARIADB_URL, or `--source-url`) when it is missing or incomplete.
 * 2. Imports stores, staff (Appwrite users with their SHA-1 hashes, roles, profiles), PINs
 *    (written once to `--pins-file`, mode 0600), customers, products and sales, with progress bars.
 *    Idempotent and resumable: rerun it after an interruption (Ctrl+C stops after the current batch).
 * 3. Prints the report (every rejected, adjusted or noted row and why) and writes it as JSON.
 * 4. Waits for the mirror, reconciles the imported tables and compares them with `sakila`.
 *
 * Options: `--verify` (only step 4), `--dry-run` (plan: nothing is written to Appwrite), `--pins-file F`
 * (default `.data/sakila-pins.json`), `--report-file F` (default `.data/sakila-import-report.json`),
 * `--sakila-dir D` (default the repository's `datasets/sakila/`), `--source-url mysql://…/sakila`,
 * `--batch-size N` (1–100, default 100), `--wait-seconds N` (mirror settle wait, default 60),
 * `--json` (print the parity result as JSON only).
 *
 * Appwrite: `APPWRITE_ENDPOINT` + `APPWRITE_API_KEY` when set, else the embedded stack's emulator
 * (`http://127.0.0.1:<EMULATOR_PORT>/v1`, key from `.data/secrets.json`): `npm start` must run.
 * Exit codes: 0 done and in parity, 1 the parity check found a difference, 2 error, 130 interrupted.
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import mysql from 'mysql2/promise';
import { TABLES } from '../collections/index.js';
import { parseConfig, type Config } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { createAppwriteAdmin, isAppwriteError, isUpstreamDown, type AppwriteAdmin } from '../infra/appwrite.js';
import { createPool, splitDatabaseUrl } from '../infra/mariadb.js';
import { loadCatalog } from '../infra/mirror/catalog.js';
import { appwriteSource } from '../infra/mirror/source.js';
import { createPinHasher } from '../infra/pin-hasher.js';
import type { StepProgress } from '../infra/import/sakila/batches.js';
import { DATA_FILE, DEFAULT_SAKILA_DIR, inspectSource, loadSakila } from '../infra/import/sakila/loader.js';
import { createSakilaReader, type SakilaReader } from '../infra/import/sakila/reader.js';
import { formatEntries, formatSteps, reportJson, writeJsonFile } from '../infra/import/sakila/report.js';
import { runSakilaImport, type SakilaImportResult } from '../infra/import/sakila/run.js';
import { formatParity, parityJson, verifySakilaParity, type ParityResult } from '../infra/import/sakila/verify.js';
import { intOption } from './mirror-connect.js';
import { loadDevSecrets } from './secrets.js';

const SECRETS_FILE = '.data/secrets.json';
const out = (line = '') => process.stdout.write(`${line}\n`);

/** Thrown for problems the user fixes (printed without a stack, exit 2). */
class UsageError extends Error {}

interface Connected {
  admin: AppwriteAdmin;
  endpoint: string;
  pepper: string | undefined;
}

/** The Appwrite to import into, checked to be reachable and set up. */
async function connectAppwrite(config: Config): Promise<Connected> {
  const embedded = !config.APPWRITE_ENDPOINT;
  const endpoint = config.APPWRITE_ENDPOINT ?? `http://127.0.0.1:${config.EMULATOR_PORT}/v1`;
  const startHint = 'start the embedded stack with `npm start` in another terminal (or set APPWRITE_ENDPOINT and APPWRITE_API_KEY for a real Appwrite)';
  if (embedded && !existsSync(SECRETS_FILE)) throw new UsageError(`The embedded stack has never run here (${SECRETS_FILE} is missing): ${startHint}.`);
  const secrets = embedded || !config.PIN_PEPPER ? (existsSync(SECRETS_FILE) ? loadDevSecrets(SECRETS_FILE) : undefined) : undefined;
  const apiKey = config.APPWRITE_API_KEY ?? secrets!.EMULATOR_API_KEY;
  const admin = createAppwriteAdmin({ endpoint, projectId: config.APPWRITE_PROJECT_ID, apiKey });
  try {
    await admin.tablesDB.get({ databaseId: config.APPWRITE_DATABASE_ID });
  } catch (e) {
    if (isUpstreamDown(e) && !(isAppwriteError(e) && e.code >= 400)) throw new UsageError(`Appwrite is not reachable at ${endpoint}: ${startHint}.`);
    if (isAppwriteError(e, 'database_not_found')) throw new UsageError(`Appwrite has no database "${config.APPWRITE_DATABASE_ID}": run \`npm run setup\` (npm start does it).`);
    if (isAppwriteError(e) && (e.code === 401 || e.code === 403)) throw new UsageError(`Appwrite at ${endpoint} refused the API key (${e.type}): ${embedded ? `${SECRETS_FILE} belongs to another stack; restart npm start here` : 'check APPWRITE_API_KEY and its scopes'}.`);
    throw e;
  }
  // The pepper must be the gateway's: config first, else the one the embedded stack generated.
  return { admin, endpoint, pepper: config.PIN_PEPPER ?? (embedded ? secrets?.PIN_PEPPER : undefined) };
}

/** The Sakila source URL: `--source-url`, else MARIADB_URL's server with schema `sakila`. */
function sourceOf(config: Config, sourceUrl: string | undefined): { serverUrl: string; schema: string } {
  if (sourceUrl) {
    const { serverUrl, database } = splitDatabaseUrl(sourceUrl);
    return { serverUrl, schema: database };
  }
  return { serverUrl: splitDatabaseUrl(config.MARIADB_URL).serverUrl, schema: 'sakila' };
}

/** Loads the dataset into the source schema unless a complete load is there. */
async function ensureSource(serverUrl: string, schema: string, dir: string): Promise<void> {
  const conn = await mysql.createConnection({ uri: serverUrl, connectTimeout: 5000 });
  try {
    const state = await inspectSource(conn, schema, join(dir, DATA_FILE));
    if (state.complete) return;
    out(`Loading the Sakila files from ${dir} into the MariaDB schema \`${schema}\` (${state.reason})…`);
    const t = Date.now();
    await loadSakila({ serverUrl, schema, dir });
    out(`Loaded in ${((Date.now() - t) / 1000).toFixed(1)} s.`);
  } finally {
    await conn.end();
  }
}

/** Progress bars, one per step, created as the steps start. */
function progressBars(): { onProgress(p: StepProgress): void; stop(): void } {
  const multi = new MultiBar(
    { clearOnComplete: false, hideCursor: true, format: ' {step} |{bar}| {value}/{total}  created {created}  existing {existing}  rejected {rejected}', autopadding: true },
    Presets.shades_classic,
  );
  const bars = new Map<string, SingleBar>();
  return {
    onProgress(p) {
      const payload = { step: p.step.padEnd(9), created: p.created, existing: p.existing, rejected: p.rejected };
      let bar = bars.get(p.step);
      if (!bar) {
        bar = multi.create(p.total, 0, payload);
        bars.set(p.step, bar);
      }
      bar.setTotal(p.total);
      bar.update(p.done, payload);
    },
    stop: () => multi.stop(),
  };
}

function printImport(r: SakilaImportResult, dryRun: boolean, reportFile: string): void {
  out();
  const what = dryRun ? 'Dry run (nothing written)' : 'Import';
  const how = r.interrupted ? `interrupted during the ${r.interruptedAt ?? ''} step (run again to resume)` : 'done';
  out(`${what} ${how} in ${(r.durationMs / 1000).toFixed(1)} s: ${r.report.created} ${dryRun ? 'to create' : 'created'}.`);
  out(formatSteps(r.report, dryRun));
  out();
  out(`Rejected, adjusted and noted rows (each one is listed in ${reportFile}):`);
  out(formatEntries(r.report.entries));
  const needPassword = r.report.entries.filter((e) => e.table === 'staff' && e.field === 'password' && e.action);
  if (needPassword.length) {
    out();
    out('Staff who need a password before they can log in with email and password (their PIN works):');
    for (const e of needPassword) out(`  ${e.rowId}  ${e.action}`);
  }
  out();
  if (r.pins.length) out(`${r.pins.length} new PIN(s) written to ${r.pinsFile} (mode 0600, readable only by you; shown once: hand them out, then delete the file).`);
  else if (!dryRun) out(`No new PINs (every imported staff member has one; ${r.pinsFile} was left as it is).`);
}

function printParity(p: ParityResult, jsonOnly: boolean): void {
  if (!jsonOnly) {
    out();
    const repaired = p.reconcile ? `; reconcile repaired ${p.reconcile.repaired} mirror row(s)` : '';
    out(`Parity of the MariaDB mirror with Sakila (mirror ${p.settled ? 'settled' : 'still changing'} after ${(p.waitedMs / 1000).toFixed(1)} s${repaired}):`);
    out(formatParity(p));
    out();
  }
  out(JSON.stringify(parityJson(p)));
  if (!jsonOnly) out(p.ok ? 'Parity: the mirror agrees with Sakila exactly.' : 'Parity: DIFFERENCES found (see above).');
}

async function verify(config: Config, admin: AppwriteAdmin, reader: SakilaReader, waitMs: number): Promise<ParityResult> {
  const pool = createPool(config.MARIADB_URL, 4);
  try {
    const catalog = await loadCatalog(pool, TABLES);
    const source = appwriteSource(admin.tablesDB, admin.users, config.APPWRITE_DATABASE_ID);
    return await verifySakilaParity({ reader, pool, catalog, source, waitMs });
  } finally {
    await pool.end();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      verify: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'pins-file': { type: 'string', default: '.data/sakila-pins.json' },
      'report-file': { type: 'string', default: '.data/sakila-import-report.json' },
      'sakila-dir': { type: 'string', default: DEFAULT_SAKILA_DIR },
      'source-url': { type: 'string' },
      'batch-size': { type: 'string' },
      'wait-seconds': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const config = parseConfig(process.env);
  const batchSize = intOption('batch-size', values['batch-size'], 100, 1, 100);
  const waitMs = intOption('wait-seconds', values['wait-seconds'], 60, 0, 3600) * 1000;
  const dryRun = values['dry-run'];
  const { serverUrl, schema } = sourceOf(config, values['source-url']);
  const connected = await connectAppwrite(config);

  if (values.verify) {
    const conn = await mysql.createConnection({ uri: serverUrl, connectTimeout: 5000 });
    const state = await inspectSource(conn, schema, join(values['sakila-dir'], DATA_FILE)).finally(() => conn.end());
    if (!state.complete) throw new UsageError(`The Sakila schema \`${schema}\` is not loaded (${state.reason}): run the import first (npm run import:sakila).`);
  } else {
    await ensureSource(serverUrl, schema, values['sakila-dir']);
  }
  const reader = createSakilaReader(serverUrl, schema);
  try {
    if (values.verify) {
      const parity = await verify(config, connected.admin, reader, waitMs);
      printParity(parity, values.json);
      return parity.ok ? 0 : 1;
    }
    if (!connected.pepper) throw new UsageError('PIN_PEPPER is not set: set it to the gateway\'s PIN_PEPPER (the PINs must verify there).');
    out(`Importing Sakila (schema \`${schema}\`) into Appwrite at ${connected.endpoint}${dryRun ? ' (dry run: nothing is written)' : ''}. Ctrl+C stops after the current batch; run again to resume.`);
    const abort = new AbortController();
    const onSigint = () => {
      if (abort.signal.aborted) process.exit(130);
      abort.abort();
    };
    process.on('SIGINT', onSigint);
    const bars = progressBars();
    const hasher = createPinHasher({ cost: config.PIN_BCRYPT_COST, ...(config.PIN_HASHER_THREADS ? { threads: config.PIN_HASHER_THREADS } : {}) });
    let result: SakilaImportResult;
    try {
      result = await runSakilaImport({ appwrite: connected.admin, databaseId: config.APPWRITE_DATABASE_ID, reader, hasher, pepper: connected.pepper, pinCost: config.PIN_BCRYPT_COST, pinsFile: values['pins-file'], dryRun, batchSize, signal: abort.signal, onProgress: bars.onProgress });
    } finally {
      bars.stop();
      await hasher.close();
      process.off('SIGINT', onSigint);
    }
    const reportFile = values['report-file'];
    printImport(result, dryRun, reportFile);
    const doc = reportJson(result.report, { finishedAt: new Date().toISOString(), dryRun, interrupted: result.interrupted, durationMs: result.durationMs, appwrite: connected.endpoint, sourceSchema: schema, pinsFile: result.pinsFile, newPins: result.pins.length });
    if (result.interrupted || dryRun) {
      writeJsonFile(reportFile, doc);
      out(`Report written to ${reportFile}.`);
      return result.interrupted ? 130 : 0;
    }
    const parity = await verify(config, connected.admin, reader, waitMs);
    writeJsonFile(reportFile, { ...doc, parity: parityJson(parity) });
    out(`Report written to ${reportFile}.`);
    printParity(parity, values.json);
    return parity.ok ? 0 : 1;
  } finally {
    await reader.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof UsageError || e instanceof AppError ? e.message : e instanceof Error ? e.message : String(e);
    const cause = e instanceof AppError && e.cause instanceof Error ? ` (${e.cause.message})` : '';
    process.stderr.write(`import:sakila failed: ${message}${cause}\n`);
    process.exit(2);
  },
);
