/**
 * Pure verification of a stored audit chain (PCI DSS v4 10.3.4 change detection). Rows are fed in
 * ascending `seq` order, page by page, so a chain of any length is checked in constant memory.
 *
 * For each row, in this order, the first failing check names the first broken link:
 * 1. `GAP`: its `seq` is not the next one (a deleted row; reported at the first missing seq).
 * 2. `PREV_MISMATCH`: its `prev_hash` is not the previous row's `hash` (a row removed and the
 *    chain spliced, or a forged row inserted).
 * 3. `HASH_MISMATCH`: `SHA-256(prev_hash || canonical_json(entry))` is not its `hash`, or an
 *    indexed column no longer agrees with the hashed entry (a field edited in place).
 * 4. `CHECKPOINT_MISMATCH`: a checkpoint for this seq names another hash or carries a signature
 *    that does not verify under the key (the chain, or the checkpoint, rewritten by someone who can
 *    recompute hashes but does not hold AUDIT_CHECKPOINT_KEY).
 * At the end, against the chain head the appender maintains: `GAP` when entries up to the head or
 * up to a checkpoint are missing at the tail, `HEAD_MISMATCH` when rows exist beyond the head or
 * the head's hash differs (rows not written by the appender).
 *
 * A rewrite after the last checkpoint cannot be told from genuine entries by the chain alone:
 * checkpoints bound that window, which is why they are also written to the log (kept elsewhere).
 * @module
 */
import { isCheckpointSignatureValid, chainHashOfJson, GENESIS_HASH, type Checkpoint } from './chain.js';
import { canonicalJson } from './canonical-json.js';
import { auditIndexColumns, AUDIT_INDEX_COLUMNS, type AuditIndexColumns } from './entry.js';

/** One `audit_log` row as read back for verification. */
export interface StoredAuditRow {
  seq: number;
  prevHash: string;
  hash: string;
  /** The `entry` column text (canonical JSON as written; re-canonicalized before hashing). */
  entryJson: string;
  /** The indexed columns as stored; when given they must agree with the entry. */
  columns?: AuditIndexColumns;
}

export type ChainBreakReason = 'GAP' | 'PREV_MISMATCH' | 'HASH_MISMATCH' | 'CHECKPOINT_MISMATCH' | 'HEAD_MISMATCH';

export interface ChainBreak {
  seq: number;
  reason: ChainBreakReason;
  /** A sentence for the operator; holds no entry content. */
  detail: string;
}

export interface ChainVerification {
  ok: boolean;
  /** Rows that passed every check. */
  checkedEntries: number;
  firstBroken?: ChainBreak;
  /** The last checkpoint (by seq, before any break) whose hash and signature verified. */
  lastVerifiedCheckpoint?: { seq: number; createdAt: string };
  /** Checkpoints whose signature was checked (0 without a key). */
  checkpointsVerified: number;
  /** Seq and hash of the last verified row (start.seq - 1 and start.prevHash when none). */
  lastSeq: number;
  lastHash: string;
}

export interface ChainVerifierOptions {
  /** AUDIT_CHECKPOINT_KEY; without it, checkpoint hashes are compared but signatures are not checked. */
  checkpointKey?: string;
  /** Every checkpoint of the chain, any order. */
  checkpoints?: readonly Checkpoint[];
  /** Where the stored chain starts: default `{ seq: 1, prevHash: GENESIS_HASH }`. */
  start?: { seq: number; prevHash: string };
}

export interface ChainVerifier {
  /** Checks the next row; returns false once the chain is broken (further rows are ignored). */
  push(row: StoredAuditRow): boolean;
  /** Final checks against the chain head (`{ seq: 0, hash: GENESIS_HASH }` for an empty chain). */
  finish(head?: { seq: number; hash: string }): ChainVerification;
}

/** Creates an incremental verifier; see the module doc for the checks and their order. */
export function createChainVerifier(options: ChainVerifierOptions = {}): ChainVerifier {
  const key = options.checkpointKey;
  const start = options.start ?? { seq: 1, prevHash: GENESIS_HASH };
  const checkpoints = [...(options.checkpoints ?? [])].sort((a, b) => a.seq - b.seq);
  let cpIndex = 0;
  let expected = start.seq;
  let lastHash = start.prevHash;
  let checked = 0;
  let verifiedSignatures = 0;
  let broken: ChainBreak | undefined;
  let lastCheckpoint: { seq: number; createdAt: string } | undefined;

  const fail = (seq: number, reason: ChainBreakReason, detail: string): false => {
    broken = { seq, reason, detail };
    return false;
  };

  const checkCheckpoint = (cp: Checkpoint, rowHash: string | undefined): boolean => {
    if (key !== undefined) {
      if (!isCheckpointSignatureValid(key, cp)) return fail(cp.seq, 'CHECKPOINT_MISMATCH', 'checkpoint signature does not verify');
      verifiedSignatures++;
    }
    if (rowHash !== undefined && cp.hash !== rowHash) {
      return fail(cp.seq, 'CHECKPOINT_MISMATCH', 'entry hash differs from the signed checkpoint');
    }
    if (rowHash !== undefined && key !== undefined) lastCheckpoint = { seq: cp.seq, createdAt: cp.createdAt };
    return true;
  };

  // Checkpoints older than the stored chain (archived entries) can only have their signature checked.
  while (cpIndex < checkpoints.length && checkpoints[cpIndex]!.seq < start.seq) {
    if (!checkCheckpoint(checkpoints[cpIndex]!, undefined)) break;
    cpIndex++;
  }

  const push = (row: StoredAuditRow): boolean => {
    if (broken) return false;
    if (row.seq !== expected) {
      return row.seq > expected
        ? fail(expected, 'GAP', `entries ${expected}..${row.seq - 1} are missing`)
        : fail(row.seq, 'GAP', `entry ${row.seq} is out of order (expected ${expected})`);
    }
    if (row.prevHash !== lastHash) return fail(row.seq, 'PREV_MISMATCH', 'prev_hash differs from the previous entry hash');
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.entryJson);
    } catch {
      return fail(row.seq, 'HASH_MISMATCH', 'entry is not valid JSON');
    }
    let recomputed: string;
    try {
      recomputed = chainHashOfJson(row.prevHash, canonicalJson(parsed));
    } catch {
      return fail(row.seq, 'HASH_MISMATCH', 'entry or prev_hash cannot be hashed');
    }
    if (recomputed !== row.hash) return fail(row.seq, 'HASH_MISMATCH', 'entry content does not match its hash');
    if (row.columns) {
      const fromEntry = auditIndexColumns(parsed);
      const differing = AUDIT_INDEX_COLUMNS.find((c) => (row.columns![c] ?? null) !== fromEntry[c]);
      if (differing) return fail(row.seq, 'HASH_MISMATCH', `column ${differing} differs from the hashed entry`);
    }
    while (cpIndex < checkpoints.length && checkpoints[cpIndex]!.seq === row.seq) {
      if (!checkCheckpoint(checkpoints[cpIndex]!, row.hash)) return false;
      cpIndex++;
    }
    checked++;
    expected++;
    lastHash = row.hash;
    return true;
  };

  const finish = (head?: { seq: number; hash: string }): ChainVerification => {
    const lastSeq = expected - 1;
    if (!broken) {
      const pendingCp = checkpoints[cpIndex];
      if (pendingCp !== undefined) {
        fail(expected, 'GAP', `entries from ${expected} are missing (a checkpoint exists for ${pendingCp.seq})`);
      } else if (head !== undefined) {
        if (head.seq > lastSeq) fail(expected, 'GAP', `entries ${expected}..${head.seq} are missing (chain head is ${head.seq})`);
        else if (head.seq < lastSeq) fail(head.seq + 1, 'HEAD_MISMATCH', `entries after the chain head ${head.seq} were not written by the appender`);
        else if (head.hash !== lastHash) fail(head.seq, 'HEAD_MISMATCH', 'chain head hash differs from the last entry hash');
      }
    }
    const result: ChainVerification = {
      ok: broken === undefined,
      checkedEntries: checked,
      checkpointsVerified: verifiedSignatures,
      lastSeq,
      lastHash,
    };
    if (broken) result.firstBroken = broken;
    if (lastCheckpoint) result.lastVerifiedCheckpoint = lastCheckpoint;
    return result;
  };

  return { push, finish };
}

/** Verifies a whole chain held in memory; see {@link createChainVerifier}. */
export function verifyChain(
  rows: Iterable<StoredAuditRow>,
  options: ChainVerifierOptions & { head?: { seq: number; hash: string } } = {},
): ChainVerification {
  const v = createChainVerifier(options);
  for (const row of rows) if (!v.push(row)) break;
  return v.finish(options.head);
}
