/**
 * Reading the audit log on real MariaDB: each filter, combined filters, time ranges, store
 * scoping, both orders with keyset pagination (no gap, no repeat, stable while entries are
 * appended), LIKE metacharacters in a prefix, and page-by-page iteration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditAppender } from '../../infra/audit/appender.js';
import { iterateAudit, iteratePages, queryAudit, type AuditFilters } from '../../infra/audit/query.js';
import type { TestDatabase } from '../support/mariadb.js';
import { createAuditDatabase, memoryLogger } from './audit-db.js';

let db: TestDatabase;
const { log } = memoryLogger();
const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const HOUR = 3_600_000;

beforeAll(async () => {
  db = await createAuditDatabase();
  const a = createAuditAppender({ pool: db.pool, log, consoleOutbox: false });
  // 30 entries, one per hour: actors u0..u2, stores s1/s2 (every third none), terminals on PIN logins.
  for (let i = 0; i < 30; i++) {
    const pin = i % 2 === 0;
    await a.append({
      occurredAt: new Date(T0 + i * HOUR),
      action: pin ? 'staff.pin_login' : i % 5 === 0 ? 'auth.login_failed' : 'auth.login',
      outcome: i % 5 === 0 ? 'failure' : 'success',
      reason: 'test',
      actor: { type: 'user', id: `u${i % 3}` },
      target: { type: 'user', id: `t${i % 4}` },
      ...(i % 3 === 2 ? {} : { storeId: i % 3 === 0 ? 's1' : 's2' }),
      ...(pin ? { terminalId: `till-${i % 4}` } : {}),
    });
  }
  await a.close();
});
afterAll(async () => db.drop());

const seqs = async (f: AuditFilters, limit = 200) => (await queryAudit(db.pool, f, limit)).entries.map((e) => e.seq as number);

describe('queryAudit filters', () => {
  it('filters by actor, target, store, terminal and outcome, alone and combined', async () => {
    expect(await seqs({ actorId: 'u1' })).toEqual([29, 26, 23, 20, 17, 14, 11, 8, 5, 2]);
    expect(await seqs({ targetType: 'user', targetId: 't3' })).toEqual([28, 24, 20, 16, 12, 8, 4]);
    expect(await seqs({ storeId: 's1' })).toEqual([28, 25, 22, 19, 16, 13, 10, 7, 4, 1]);
    expect(await seqs({ terminalId: 'till-0' })).toEqual([29, 25, 21, 17, 13, 9, 5, 1]);
    expect(await seqs({ outcome: 'failure' })).toEqual([26, 21, 16, 11, 6, 1]);
    expect(await seqs({ actorId: 'u0', storeId: 's1', outcome: 'success' })).toEqual([28, 25, 22, 19, 13, 10, 7, 4]);
  });

  it('matches an action exactly, or every action of a prefix ending in a dot', async () => {
    const actions = async (prefix: string) => new Set((await queryAudit(db.pool, { actionPrefix: prefix }, 200)).entries.map((e) => e.action));
    expect(await actions('auth.')).toEqual(new Set(['auth.login', 'auth.login_failed']));
    expect(await actions('auth.login')).toEqual(new Set(['auth.login']));
    expect(await seqs({ actionPrefix: 'auth' })).toEqual([]); // not a prefix without the dot
    expect(await seqs({ actionPrefix: '%.' })).toEqual([]); // LIKE metacharacters are literal
    expect(await seqs({ actionPrefix: '_uth.' })).toEqual([]);
  });

  it('bounds occurredAt: from inclusive, to exclusive, any offset', async () => {
    expect(await seqs({ from: new Date(T0 + 10 * HOUR).toISOString(), to: new Date(T0 + 13 * HOUR).toISOString() })).toEqual([13, 12, 11]);
    expect(await seqs({ from: '2026-11-01T12:00:00+02:00', to: '2026-11-01T12:00:00+01:00' })).toEqual([11]); // 10:00Z inclusive .. 11:00Z exclusive
  });

  it('restricts a store-scoped reader to their stores, whatever else is asked', async () => {
    expect(await seqs({ storeIds: ['s2'] })).toEqual([29, 26, 23, 20, 17, 14, 11, 8, 5, 2]);
    expect(await seqs({ storeIds: ['s2'], storeId: 's1' })).toEqual([]);
    expect(await seqs({ storeIds: [] })).toEqual([]);
  });
});

describe('pagination', () => {
  it('pages newest first and oldest first without gaps or repeats, stable while entries are appended', async () => {
    for (const order of ['desc', 'asc'] as const) {
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await queryAudit(db.pool, { actionPrefix: 'auth.' }, 4, cursor, order);
        seen.push(...page.entries.map((e) => e.seq as number));
        cursor = page.nextCursor ?? undefined;
        if (pages++ === 0 && order === 'desc') {
          // An entry appended after the first page must not shift the pages that follow.
          const a = createAuditAppender({ pool: db.pool, log, consoleOutbox: false });
          await a.append({ action: 'auth.logout', outcome: 'success', reason: 'late', actor: { type: 'user', id: 'late' } });
          await a.close();
        }
      } while (cursor);
      const expected = [...seen].sort((x, y) => (order === 'desc' ? y - x : x - y));
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
      if (order === 'desc') expect(seen).toHaveLength(15);
      else expect(seen).toHaveLength(16); // includes the late auth.logout
    }
  });

  it('returns the entry with its seq and chain hash, and no cursor on the last page', async () => {
    const page = await queryAudit(db.pool, { actorId: 'u2' }, 100);
    expect(page.nextCursor).toBeNull();
    expect(page.entries[0]).toMatchObject({ seq: 30, hash: expect.stringMatching(/^[0-9a-f]{64}$/), actor: { type: 'user', id: 'u2' }, id: expect.any(String) });
  });

  it('iterates every match page by page, in order', async () => {
    const pages: number[][] = [];
    for await (const p of iteratePages(db.pool, { outcome: 'success' }, 7, 'asc')) pages.push(p.map((e) => e.seq as number));
    expect(pages.every((p) => p.length <= 7)).toBe(true);
    expect(pages.flat()).toEqual((await seqs({ outcome: 'success' })).reverse());
    const all: number[] = [];
    for await (const e of iterateAudit(db.pool, {}, 9)) all.push(e.seq as number);
    expect(all).toEqual(Array.from({ length: 31 }, (_, i) => 31 - i));
  });
});
