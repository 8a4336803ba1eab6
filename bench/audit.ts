/**
 * Audit appender throughput (issue 7): sustained entries/s through the hash-chained appender
 * (many concurrent appenders, group commit on, checkpoints and console outbox on as in production)
 * vs plain multi-row INSERTs of the same rows into a table of the same shape and indexes, in the
 * same MariaDB, in the same run, alternating rounds. Goal: chain >= 50% of plain and >= 2,000/s.
 *
 * Run: `npx tsx bench/audit.ts` (env: MARIADB_BENCH_URL, default mysql://root@127.0.0.1:3306;
 * BENCH_ROUNDS, default 5; BENCH_ROUND_MS, default 3000). Writes bench/results/audit.json.
 * Uses its own scratch database, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mysql from 'mysql2/promise';
import { createAuditEntry, auditIndexColumns, AUDIT_INDEX_COLUMNS, type AuditEntryInput } from '../core/audit/entry.js';
import { canonicalJson } from '../core/audit/canonical-json.js';
import { createAuditAppender } from '../infra/audit/appender.js';
import { verifyAuditChain } from '../infra/audit/verify.js';
import { createLogger } from '../infra/logger.js';
import { alternate, envNumber, figure, writeResult } from './lib/report.js';

const SERVER = process.env.MARIADB_BENCH_URL ?? 'mysql://root@127.0.0.1:3306';
const ROUNDS = envNumber('BENCH_ROUNDS', 5);
const ROUND_MS = envNumber('BENCH_ROUND_MS', 3000);
const WRITERS = 256; // concurrent append() loops in the chain variant
const PLAIN_CONNECTIONS = 4;
const PLAIN_BATCH = 256;
const KEY = 'bench-checkpoint-key-0123456789abcdef';

const input = (i: number): AuditEntryInput => ({
  action: i % 5 === 0 ? 'staff.pin_login_failed' : 'sale.created',
  outcome: i % 5 === 0 ? 'failure' : 'success',
  reason: i % 5 === 0 ? 'PIN_INVALID' : 'checkout',
  actor: { type: 'user', id: `staff-${i % 40}`, role: 'cashier', displayName: `Cashier ${i % 40}` },
  target: { type: 'sale', id: `sale-${i}` },
  storeId: `store-${i % 3}`,
  terminalId: `term-${i % 12}`,
  ip: '10.0.0.12',
  userAgent: 'TillgatePOS/1.4 (Android 14)',
  requestId: `req-${i}`,
  metadata: { amountCents: 1299 + (i % 100), items: i % 7 },
});

async function main(): Promise<void> {
  const dbName = `tg_bench_audit_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(SERVER);
  await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4`);
  const pool = mysql.createPool({ uri: `${SERVER.replace(/\/$/, '')}/${dbName}`, connectionLimit: 8 });
  try {
    const sql = readFileSync(join(import.meta.dirname, '..', 'migrations', '20261123130000_audit_log.sql'), 'utf8')
      .split('\n').filter((l) => !l.trim().startsWith('--')).join('\n')
      .split(/;\s*$/m).map((s) => s.trim()).filter((s) => s.length > 0);
    for (const s of sql) await pool.query(s);
    await pool.query('CREATE TABLE audit_plain LIKE audit_log');

    const log = createLogger({ level: 'warn', service: 'bench', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    let counter = 0;
    let plainSeq = 0;
    const zeros = '0'.repeat(64);

    const chain = async (): Promise<number> => {
      const appender = createAuditAppender({ pool, log, checkpointKey: KEY, checkpointEvery: { entries: 1000, ms: 60_000 }, batchMaxSize: 500 });
      let done = 0;
      const t0 = performance.now();
      const until = t0 + ROUND_MS;
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          while (performance.now() < until) {
            await appender.append(input(counter++));
            done++;
          }
        }),
      );
      await appender.close();
      return done / ((performance.now() - t0) / 1000);
    };

    const plain = async (): Promise<number> => {
      let done = 0;
      const t0 = performance.now();
      const until = t0 + ROUND_MS;
      const cols = ['seq', ...AUDIT_INDEX_COLUMNS, 'entry', 'prev_hash', 'hash'].join(', ');
      await Promise.all(
        Array.from({ length: PLAIN_CONNECTIONS }, async () => {
          while (performance.now() < until) {
            const rows: unknown[][] = [];
            for (let k = 0; k < PLAIN_BATCH; k++) {
              const e = createAuditEntry(input(counter++));
              const c = auditIndexColumns(e);
              rows.push([++plainSeq, ...AUDIT_INDEX_COLUMNS.map((n) => c[n]), canonicalJson(e), zeros, zeros]);
            }
            await pool.query(`INSERT INTO audit_plain (${cols}) VALUES ?`, [rows]);
            done += rows.length;
          }
        }),
      );
      return done / ((performance.now() - t0) / 1000);
    };

    await chain(); // warm-up (JIT, buffer pool), not recorded
    await plain();
    const samples = await alternate(ROUNDS, { chain, plain });
    const verify = await verifyAuditChain({ pool, checkpointKey: KEY });
    const chainFig = figure(samples.chain.map(Math.round), 'entries/s', 'hash-chained appender');
    const plainFig = figure(samples.plain.map(Math.round), 'rows/s', 'plain multi-row INSERTs (peer)');
    const ratio = chainFig.median / plainFig.median;
    const file = writeResult({
      name: 'audit',
      method:
        `Alternating rounds of ${ROUND_MS} ms, ${ROUNDS} each after one warm-up. chain: ${WRITERS} concurrent append() loops on one ` +
        `appender (group commit, batchMaxSize 500, signed checkpoint every 1000 entries, console outbox row per entry, ` +
        `validation and masking per entry), one transaction per batch locking audit_head. plain: ${PLAIN_CONNECTIONS} connections ` +
        `inserting ${PLAIN_BATCH}-row multi-row INSERTs of the same validated rows into audit_plain (CREATE TABLE LIKE audit_log: same ` +
        `columns and indexes), no chain, no lock, no outbox. Same MariaDB (innodb_flush_log_at_trx_commit=1), same process. ` +
        `After the rounds the whole chain (${verify.checkedEntries} entries) verified ok=${verify.ok}.`,
      figures: { chain: chainFig, plain: plainFig, ratio: figure(samples.chain.map((c, i) => Math.round((c / samples.plain[i]!) * 1000) / 1000), 'chain/plain', 'chain ÷ plain, per round') },
      goals: [
        { issue: 7, text: 'chain rate ≥ 50% of the plain multi-row INSERT rate', met: ratio >= 0.5, measured: `${Math.round(ratio * 100)}% (median ${chainFig.median} vs ${plainFig.median})` },
        { issue: 7, text: 'chain rate ≥ 2,000 entries/s', met: chainFig.median >= 2000, measured: `${chainFig.median} entries/s (median)` },
        { issue: 7, text: 'the chain written during the bench verifies', met: verify.ok, measured: `${verify.checkedEntries} entries, ok=${verify.ok}` },
      ],
    });
    console.log(`chain ${chainFig.median}/s, plain ${plainFig.median}/s, ratio ${(ratio * 100).toFixed(0)}%, verify ok=${verify.ok} -> ${file}`);
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
