/**
 * Audit archive files (issue 7 item 5), written by `npm run audit:retention`
 * (infra/audit/retention.ts) and verifiable on their own, without MariaDB.
 *
 * - Data file `audit-<first>-<last>-<stamp>.jsonl.gz`: gzip-compressed JSON Lines, one entry per
 *   line in ascending seq: `{"seq":n,"prevHash":"…","hash":"…","entry":{…}}`, where `entry` is the
 *   stored canonical JSON of the entry, verbatim. Each line satisfies the chain rule
 *   `hash = SHA-256(prevHash || canonical_json(entry))` (core/audit/chain.ts) and links to the line
 *   before it; the first links to the manifest's `firstPrevHash`.
 * - Manifest `…manifest.json` next to it: seq range, entry count, first prev_hash, last hash,
 *   SHA-256 and size of the data file, time range, and an HMAC-SHA256 signature with
 *   AUDIT_CHECKPOINT_KEY over the canonical JSON of the other fields.
 *
 * A set of archives plus the live table forms one chain: each archive's `firstPrevHash` is the
 * previous archive's `lastHash` (genesis for the first), and the retention anchor in MariaDB holds
 * the last archive's `lastHash`. Reading an archive back needs only standard tools
 * (`zcat file | jq`).
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import { canonicalJson } from '../../core/audit/canonical-json.js';
import { chainHashOfJson, GENESIS_HASH, HASH_PATTERN } from '../../core/audit/chain.js';

/** Value of `format` in every manifest of this layout. */
export const ARCHIVE_FORMAT = 'tillgate.audit-archive.v1';

/** One archived entry as read from MariaDB: `entryJson` is the stored `entry` column text. */
export interface ArchiveRow {
  seq: number;
  prevHash: string;
  hash: string;
  entryJson: string;
  /** `occurredAt` of the entry (UTC ISO-8601 with ms). */
  occurredAt: string;
}

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  /** File name of the data file (same folder). */
  file: string;
  firstSeq: number;
  lastSeq: number;
  entries: number;
  firstPrevHash: string;
  lastHash: string;
  /** Hex SHA-256 of the data file's bytes (as compressed). */
  sha256: string;
  /** Size of the data file, bytes. */
  bytes: number;
  /** Earliest and latest `occurredAt` of the archived entries. */
  oldestAt: string;
  newestAt: string;
  createdAt: string;
  /** Hex HMAC-SHA256 (AUDIT_CHECKPOINT_KEY) over the canonical JSON of every other field. */
  signature: string;
}

/** What reading a data file found. `problem` names the first defect; the other fields describe what was read up to it. */
export interface ArchiveScan {
  ok: boolean;
  problem?: string;
  entries: number;
  firstSeq?: number;
  lastSeq?: number;
  lastHash: string;
  sha256: string;
  bytes: number;
  oldestAt?: string;
  newestAt?: string;
}

const pad = (n: number) => String(n).padStart(12, '0');

/** `audit-000000000001-000000000042-20261123T130000123Z.jsonl.gz` */
export function archiveFileName(firstSeq: number, lastSeq: number, createdAt: Date): string {
  return `audit-${pad(firstSeq)}-${pad(lastSeq)}-${createdAt.toISOString().replace(/[-:.]/g, '')}.jsonl.gz`;
}

/** The manifest file name of a data file. */
export function manifestFileName(file: string): string {
  return file.replace(/\.jsonl\.gz$/, '.manifest.json');
}

/** HMAC-SHA256 of a manifest's fields (all but `signature`), hex. */
export function signManifest(key: string, manifest: Omit<ArchiveManifest, 'signature'>): string {
  const { signature: _ignored, ...fields } = manifest as ArchiveManifest;
  return createHmac('sha256', key).update(canonicalJson(fields), 'utf8').digest('hex');
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `text` to `path` durably: a temporary file, fsync, rename, fsync of the folder. */
async function writeDurably(dir: string, name: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = join(dir, `${name}.partial`);
  await rm(tmp, { force: true });
  await write(tmp);
  await fsyncPath(tmp);
  await rename(tmp, join(dir, name));
  await fsyncPath(dir);
}

/**
 * Writes a data file of `rows` (ascending seq) into `dir` as `name`, gzip-compressed, durably
 * (fsync of the file and the folder). Rows are streamed: memory does not grow with their number.
 * @throws the file system's error; a partial file is left only as `<name>.partial`.
 */
export async function writeArchiveFile(dir: string, name: string, rows: AsyncIterable<ArchiveRow>): Promise<void> {
  async function* lines(): AsyncGenerator<string> {
    for await (const r of rows) yield `{"seq":${r.seq},"prevHash":"${r.prevHash}","hash":"${r.hash}","entry":${r.entryJson}}\n`;
  }
  await writeDurably(dir, name, (tmp) => pipeline(Readable.from(lines()), createGzip(), createWriteStream(tmp, { flags: 'wx' })));
}

/** Writes a manifest next to its data file, durably. */
export async function writeManifest(dir: string, manifest: ArchiveManifest): Promise<void> {
  await writeDurably(dir, manifestFileName(manifest.file), (tmp) => writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' }));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a data file once: SHA-256 and size of its bytes, and every line checked against the chain
 * rule, starting from `start` (seq of the first line and its prev_hash). Never throws for a bad
 * file (a read error, bad gzip, a broken line are reported as `problem`).
 */
export async function scanArchiveFile(path: string, start: { seq: number; prevHash: string }): Promise<ArchiveScan> {
  const digest = createHash('sha256');
  let bytes = 0;
  let entries = 0;
  let expected = start.seq;
  let lastHash = start.prevHash;
  let firstSeq: number | undefined;
  let oldestAt: string | undefined;
  let newestAt: string | undefined;
  let problem: string | undefined;
  const fail = (msg: string) => {
    problem ??= msg;
  };
  const onLine = (line: string) => {
    if (problem || line.length === 0) return;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      return fail(`line ${entries + 1} is not JSON`);
    }
    if (!isRecord(rec) || typeof rec.seq !== 'number' || typeof rec.prevHash !== 'string' || typeof rec.hash !== 'string' || !isRecord(rec.entry)) {
      return fail(`line ${entries + 1} is not an archive record`);
    }
    if (rec.seq !== expected) return fail(`seq ${rec.seq} where ${expected} was expected`);
    if (rec.prevHash !== lastHash) return fail(`seq ${rec.seq}: prevHash differs from the previous hash`);
    if (!HASH_PATTERN.test(rec.prevHash) || chainHashOfJson(rec.prevHash, canonicalJson(rec.entry)) !== rec.hash) {
      return fail(`seq ${rec.seq}: entry does not match its hash`);
    }
    const at = typeof rec.entry.occurredAt === 'string' ? rec.entry.occurredAt : undefined;
    if (at !== undefined) {
      if (oldestAt === undefined || at < oldestAt) oldestAt = at;
      if (newestAt === undefined || at > newestAt) newestAt = at;
    }
    firstSeq ??= rec.seq;
    entries++;
    expected++;
    lastHash = rec.hash;
  };
  const decoder = new StringDecoder('utf8');
  let buf = '';
  try {
    await pipeline(
      createReadStream(path),
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          digest.update(chunk);
          bytes += chunk.length;
          cb(null, chunk);
        },
      }),
      createGunzip(),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          buf += decoder.write(chunk);
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            onLine(buf.slice(0, i));
            buf = buf.slice(i + 1);
          }
          cb();
        },
        final(cb) {
          onLine(buf + decoder.end());
          cb();
        },
      }),
    );
  } catch (e) {
    fail(`cannot be read: ${(e as Error).message}`);
  }
  const scan: ArchiveScan = { ok: problem === undefined, entries, lastHash, sha256: digest.digest('hex'), bytes };
  if (problem !== undefined) scan.problem = problem;
  if (firstSeq !== undefined) {
    scan.firstSeq = firstSeq;
    scan.lastSeq = expected - 1;
  }
  if (oldestAt !== undefined) scan.oldestAt = oldestAt;
  if (newestAt !== undefined) scan.newestAt = newestAt;
  return scan;
}

/** The verdict on one archive. */
export interface ArchiveVerification {
  manifest: string;
  ok: boolean;
  problem?: string;
  entries: number;
  firstSeq?: number;
  lastSeq?: number;
  /** False when no key was given, so the manifest signature was not checked. */
  signatureChecked: boolean;
}

function parseManifest(text: string): ArchiveManifest | string {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return 'manifest is not JSON';
  }
  if (!isRecord(m) || m.format !== ARCHIVE_FORMAT) return `manifest format is not ${ARCHIVE_FORMAT}`;
  const nums = ['firstSeq', 'lastSeq', 'entries', 'bytes'] as const;
  const strs = ['file', 'firstPrevHash', 'lastHash', 'sha256', 'oldestAt', 'newestAt', 'createdAt', 'signature'] as const;
  if (nums.some((k) => !Number.isSafeInteger(m[k])) || strs.some((k) => typeof m[k] !== 'string')) return 'manifest lacks a field';
  if (!/^[A-Za-z0-9._-]+\.jsonl\.gz$/.test(m.file as string)) return 'manifest names an invalid file';
  return m as unknown as ArchiveManifest;
}

/**
 * Verifies one archive on its own: manifest well-formed and (with `key`) correctly signed, data
 * file SHA-256 and size as recorded, every line chained from `firstPrevHash` to `lastHash` over
 * exactly `firstSeq..lastSeq`. Never throws for a bad archive.
 * @param manifestName file name of the manifest inside `dir`.
 */
export async function verifyArchive(dir: string, manifestName: string, key?: string): Promise<ArchiveVerification> {
  const base = { manifest: manifestName, entries: 0, signatureChecked: key !== undefined };
  let text: string;
  try {
    text = await readFile(join(dir, manifestName), 'utf8');
  } catch (e) {
    return { ...base, ok: false, problem: `manifest cannot be read: ${(e as Error).message}` };
  }
  const m = parseManifest(text);
  if (typeof m === 'string') return { ...base, ok: false, problem: m };
  const fail = (problem: string, entries = 0): ArchiveVerification => ({ ...base, ok: false, problem, entries, firstSeq: m.firstSeq, lastSeq: m.lastSeq });
  if (key !== undefined) {
    const want = Buffer.from(signManifest(key, m), 'hex');
    const got = Buffer.from(HASH_PATTERN.test(m.signature) ? m.signature : '', 'hex');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return fail('manifest signature does not verify');
  }
  const scan = await scanArchiveFile(join(dir, m.file), { seq: m.firstSeq, prevHash: m.firstPrevHash });
  if (scan.sha256 !== m.sha256 || scan.bytes !== m.bytes) return fail('data file SHA-256 or size differs from the manifest', scan.entries);
  if (!scan.ok) return fail(`data file: ${scan.problem ?? 'unreadable'}`, scan.entries);
  if (scan.entries !== m.entries || scan.lastSeq !== m.lastSeq || scan.lastHash !== m.lastHash) {
    return fail('data file does not end where the manifest says', scan.entries);
  }
  return { ...base, ok: true, entries: scan.entries, firstSeq: m.firstSeq, lastSeq: m.lastSeq };
}

/** The verdict on every archive of a folder, as one chain. */
export interface ArchiveSetVerification {
  ok: boolean;
  archives: ArchiveVerification[];
  /** The first defect of the set (a bad archive, a gap or overlap between two, a mismatch with `end`). */
  problem?: string;
  /** True when the earliest archive starts at seq 1 from the genesis hash (none were pruned). */
  startsAtGenesis: boolean;
  /** Seq and hash of the last archived entry. */
  last?: { seq: number; hash: string };
}

/** Manifest file names in `dir` (none when the folder does not exist). */
export async function listManifests(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.manifest.json')).sort();
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * Verifies every archive in `dir` and that they join into one chain: consecutive seq ranges, each
 * `firstPrevHash` equal to the previous `lastHash`, and (when `end` is given: the retention anchor)
 * the last one ending at `end`. Archives pruned from the start (older than the retention period)
 * are allowed: `startsAtGenesis` says whether the set still begins at seq 1.
 */
export async function verifyArchiveSet(dir: string, key?: string, end?: { seq: number; hash: string }): Promise<ArchiveSetVerification> {
  const names = await listManifests(dir);
  const archives: ArchiveVerification[] = [];
  const manifests: ArchiveManifest[] = [];
  for (const n of names) {
    archives.push(await verifyArchive(dir, n, key));
    const parsed = parseManifest(await readFile(join(dir, n), 'utf8').catch(() => ''));
    if (typeof parsed !== 'string') manifests.push(parsed);
  }
  manifests.sort((a, b) => a.firstSeq - b.firstSeq);
  let problem = archives.find((a) => !a.ok)?.problem;
  if (problem !== undefined) problem = `${archives.find((a) => !a.ok)!.manifest}: ${problem}`;
  for (let i = 1; i < manifests.length && problem === undefined; i++) {
    const prev = manifests[i - 1]!;
    const cur = manifests[i]!;
    if (cur.firstSeq !== prev.lastSeq + 1 || cur.firstPrevHash !== prev.lastHash) problem = `${cur.file} does not continue ${prev.file}`;
  }
  const first = manifests[0];
  const lastM = manifests[manifests.length - 1];
  const last = lastM ? { seq: lastM.lastSeq, hash: lastM.lastHash } : undefined;
  if (problem === undefined && end !== undefined && (last?.seq !== end.seq || last.hash !== end.hash)) {
    problem = `the archives end at ${last ? `seq ${last.seq}` : 'nothing'}, the anchor names seq ${end.seq}`;
  }
  const result: ArchiveSetVerification = {
    ok: problem === undefined,
    archives,
    startsAtGenesis: first === undefined || (first.firstSeq === 1 && first.firstPrevHash === GENESIS_HASH),
  };
  if (problem !== undefined) result.problem = problem;
  if (last) result.last = last;
  return result;
}
