import { describe, it, expect } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { chainHash, GENESIS_HASH, signCheckpoint, type Checkpoint } from './chain.js';
import { auditIndexColumns, createAuditEntry } from './entry.js';
import { verifyChain, type StoredAuditRow } from './verify.js';

const KEY = 'k'.repeat(32);
const at = (i: number) => new Date(Date.UTC(2026, 10, 23, 13, 0, 0, i));

function buildChain(n: number): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const entry = createAuditEntry({ action: 'auth.login', outcome: 'success', reason: 'password', actor: { type: 'user', id: `u${i}` } }, at(i));
    const hash = chainHash(prev, entry);
    rows.push({ seq: i, prevHash: prev, hash, entryJson: canonicalJson(entry), columns: auditIndexColumns(entry) });
    prev = hash;
  }
  return rows;
}

const checkpointAt = (rows: StoredAuditRow[], seq: number, key = KEY): Checkpoint => {
  const createdAt = at(1000 + seq).toISOString();
  const hash = rows[seq - 1]!.hash;
  return { seq, hash, createdAt, signature: signCheckpoint(key, seq, hash, createdAt) };
};

/** Recomputes every hash from `from` on, as an attacker without the key can. */
function rehash(rows: StoredAuditRow[], from: number): void {
  for (let i = from - 1; i < rows.length; i++) {
    const r = rows[i]!;
    r.prevHash = i === 0 ? GENESIS_HASH : rows[i - 1]!.hash;
    r.hash = chainHash(r.prevHash, JSON.parse(r.entryJson));
  }
}

describe('verifyChain', () => {
  it('accepts an intact chain and reports the last verified checkpoint', () => {
    const rows = buildChain(10);
    const res = verifyChain(rows, { checkpointKey: KEY, checkpoints: [checkpointAt(rows, 4), checkpointAt(rows, 8)], head: { seq: 10, hash: rows[9]!.hash } });
    expect(res).toMatchObject({ ok: true, checkedEntries: 10, checkpointsVerified: 2, lastVerifiedCheckpoint: { seq: 8 } });
    expect(res.firstBroken).toBeUndefined();
  });

  it('accepts an empty chain with the genesis head', () => {
    expect(verifyChain([], { head: { seq: 0, hash: GENESIS_HASH } })).toMatchObject({ ok: true, checkedEntries: 0 });
  });

  it.each([
    {
      name: 'an edited entry', seq: 5, reason: 'HASH_MISMATCH',
      tamper: (r: StoredAuditRow[]) => { r[4]!.entryJson = r[4]!.entryJson.replace('"success"', '"failure"'); },
    },
    {
      name: 'an edited indexed column only', seq: 3, reason: 'HASH_MISMATCH',
      tamper: (r: StoredAuditRow[]) => { r[2]!.columns = { ...r[2]!.columns!, actor_id: 'someone-else' }; },
    },
    { name: 'a deleted entry', seq: 6, reason: 'GAP', tamper: (r: StoredAuditRow[]) => { r.splice(5, 1); } },
    {
      name: 'a deleted entry with the chain renumbered', seq: 6, reason: 'PREV_MISMATCH',
      tamper: (r: StoredAuditRow[]) => { r.splice(5, 1); r.forEach((x, i) => { x.seq = i + 1; }); },
    },
    { name: 'entries deleted at the tail', seq: 9, reason: 'GAP', tamper: (r: StoredAuditRow[]) => { r.splice(8); } },
    {
      name: 'a forged entry appended beyond the head', seq: 11, reason: 'HEAD_MISMATCH',
      tamper: (r: StoredAuditRow[]) => {
        const e = createAuditEntry({ action: 'user.role_changed', outcome: 'success', reason: 'x', actor: { type: 'system', id: 'x' } }, at(99));
        const prev = r[9]!.hash;
        r.push({ seq: 11, prevHash: prev, hash: chainHash(prev, e), entryJson: canonicalJson(e), columns: auditIndexColumns(e) });
      },
    },
    {
      name: 'a rewrite of the whole chain before a checkpoint', seq: 8, reason: 'CHECKPOINT_MISMATCH',
      tamper: (r: StoredAuditRow[]) => { r[5]!.entryJson = r[5]!.entryJson.replace('"u6"', '"u7"'); r[5]!.columns!.actor_id = 'u7'; rehash(r, 6); },
    },
  ])('detects $name at seq $seq ($reason)', ({ tamper, seq, reason }) => {
    const rows = buildChain(10);
    const checkpoints = [checkpointAt(rows, 4), checkpointAt(rows, 8)];
    const head = { seq: 10, hash: rows[9]!.hash };
    tamper(rows);
    const res = verifyChain(rows, { checkpointKey: KEY, checkpoints, head });
    expect(res.ok).toBe(false);
    expect(res.firstBroken).toMatchObject({ seq, reason });
  });

  it('bounds a rewrite by the last checkpoint verified before it', () => {
    const rows = buildChain(10);
    const checkpoints = [checkpointAt(rows, 4), checkpointAt(rows, 8)];
    rows[5]!.entryJson = rows[5]!.entryJson.replace('"success"', '"denied"');
    rehash(rows, 6);
    const res = verifyChain(rows, { checkpointKey: KEY, checkpoints });
    expect(res.lastVerifiedCheckpoint?.seq).toBe(4);
  });

  it('detects checkpoints re-signed with another key, and a checkpoint hash edited to match a rewrite', () => {
    const rows = buildChain(10);
    const forged = checkpointAt(rows, 4, 'not-the-key-'.repeat(3));
    expect(verifyChain(rows, { checkpointKey: KEY, checkpoints: [forged] }).firstBroken).toMatchObject({ seq: 4, reason: 'CHECKPOINT_MISMATCH' });

    const cp = checkpointAt(rows, 8);
    rows[1]!.entryJson = rows[1]!.entryJson.replace('"u2"', '"u3"');
    rows[1]!.columns!.actor_id = 'u3';
    rehash(rows, 2);
    const edited = { ...cp, hash: rows[7]!.hash };
    expect(verifyChain(rows, { checkpointKey: KEY, checkpoints: [edited] }).firstBroken).toMatchObject({ seq: 8, reason: 'CHECKPOINT_MISMATCH' });
  });

  it('without the key compares checkpoint hashes but reports no verified checkpoint', () => {
    const rows = buildChain(5);
    const res = verifyChain(rows, { checkpoints: [checkpointAt(rows, 3)] });
    expect(res).toMatchObject({ ok: true, checkpointsVerified: 0 });
    expect(res.lastVerifiedCheckpoint).toBeUndefined();
  });

  it('verifies a chain that starts after archived entries', () => {
    const rows = buildChain(10);
    const tail = rows.slice(6);
    const res = verifyChain(tail, { start: { seq: 7, prevHash: rows[5]!.hash }, checkpointKey: KEY, checkpoints: [checkpointAt(rows, 4), checkpointAt(rows, 8)] });
    expect(res).toMatchObject({ ok: true, checkedEntries: 4, lastVerifiedCheckpoint: { seq: 8 } });
  });
});
