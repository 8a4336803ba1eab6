import { describe, expect, it } from 'vitest';
import { expandEventName, matchesSubscriptions } from './events.js';

// Expected sets follow Appwrite's Event::generateEvents (src/Appwrite/Event/Event.php).
describe('expandEventName', () => {
  it('expands a user event to the concrete name, the id wildcard and the resource alone', () => {
    expect([...expandEventName('users.u1.create')].sort()).toEqual(['users.*', 'users.*.create', 'users.u1', 'users.u1.create']);
  });

  it('keeps the attribute of a user update and also matches the bare action', () => {
    const set = expandEventName('users.u1.update.labels');
    expect([...set].sort()).toEqual([
      'users.*',
      'users.*.update',
      'users.*.update.labels',
      'users.u1',
      'users.u1.update',
      'users.u1.update.labels',
    ]);
  });

  it('replaces every combination of ids of a session event by *', () => {
    const set = expandEventName('users.u1.sessions.s1.create');
    for (const p of [
      'users.u1.sessions.s1.create',
      'users.*.sessions.s1.create',
      'users.u1.sessions.*.create',
      'users.*.sessions.*.create',
      'users.*.sessions.*',
      'users.u1.sessions.*',
      'users.*',
    ]) {
      expect(set.has(p), p).toBe(true);
    }
    expect(set.has('users.*.sessions')).toBe(false);
    expect(set.has('users.*.create')).toBe(false);
    expect(set.size).toBe(4 + 4 + 2);
  });

  it('expands a row event of both families over three id levels', () => {
    const rows = expandEventName('databases.pos.tables.sales.rows.r1.create');
    expect(rows.size).toBe(8 + 8 + 4 + 2);
    for (const p of ['databases.*.tables.*.rows.*.create', 'databases.*.tables.*.rows.*', 'databases.pos.tables.*', 'databases.*', 'databases.*.tables.sales.rows.*.create']) {
      expect(rows.has(p), p).toBe(true);
    }
    for (const p of ['databases.*.tables', 'databases.*.tables.*.rows', 'databases.*.create', 'databases.pos.tables.sales.rows.r1.update']) {
      expect(rows.has(p), p).toBe(false);
    }
    const docs = expandEventName('databases.pos.collections.sales.documents.r1.create');
    expect(docs.has('databases.*.collections.*.documents.*.create')).toBe(true);
    expect(docs.has('databases.*.tables.*.rows.*')).toBe(false);
  });

  it('recognizes the upsert action that events-1.9.json does not list', () => {
    const set = expandEventName('databases.pos.tables.t.rows.r.upsert');
    expect(set.has('databases.*.tables.*.rows.*.upsert')).toBe(true);
    expect(set.has('databases.*.tables.*.rows.*')).toBe(true);
  });
});

describe('matchesSubscriptions', () => {
  const names = ['databases.pos.collections.sales.documents.r1.create', 'databases.pos.tables.sales.rows.r1.create'];

  it('matches a subscription to either family and rejects unrelated ones', () => {
    expect(matchesSubscriptions(names, ['databases.*.tables.*.rows.*'])).toBe(true);
    expect(matchesSubscriptions(names, ['databases.*.collections.*.documents.*.create'])).toBe(true);
    expect(matchesSubscriptions(names, ['databases.*.tables.*.rows.*.update'])).toBe(false);
    expect(matchesSubscriptions(names, ['users.*'])).toBe(false);
    expect(matchesSubscriptions(names, [])).toBe(false);
  });
});
