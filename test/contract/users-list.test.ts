import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Query } from 'node-appwrite';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

let emu: TestEmulator;
const N = 40;
const ids: string[] = [];
const names = ['Zed', 'amy', 'Bo', 'carl', 'Dee'];

async function listRaw(queries: string[], extra = ''): Promise<{ status: number; body: Record<string, unknown> }> {
  const qs = queries.map((q) => `queries[]=${encodeURIComponent(q)}`).join('&');
  const res = await fetch(`${emu.endpoint}/users?${qs}${extra}`, { headers: { 'x-appwrite-project': emu.projectId, 'x-appwrite-key': emu.apiKey } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  for (let i = 0; i < N; i++) {
    const id = `u${String(i).padStart(2, '0')}`;
    ids.push(id);
    await emu.users.create({ userId: id, email: `${id}@shop${i % 3}.example.com`, name: `${names[i % names.length]} ${i}` });
    if (i % 4 === 0) await emu.users.updateLabels({ userId: id, labels: ['manager', `store${i % 2}`] });
    if (i % 10 === 9) await emu.users.updateStatus({ userId: id, status: false });
  }
});
afterAll(async () => {
  await emu.stop();
});

describe('users: list with queries, search, cursor and total', () => {
  it('pages 25 users by default in creation order, with the total of all', async () => {
    const list = await emu.users.list();
    expect(list.total).toBe(N);
    expect(list.users.map((u) => u.$id)).toEqual(ids.slice(0, 25));
    expect((await emu.users.list({ total: false })).total).toBe(0);
  });

  it('filters with equal, notEqual, startsWith, endsWith, contains on labels, and booleans', async () => {
    const byEmail = await emu.users.list({ queries: [Query.equal('email', ['u07@shop1.example.com'])] });
    expect(byEmail.users.map((u) => u.$id)).toEqual(['u07']);
    expect(byEmail.total).toBe(1);
    const blocked = await emu.users.list({ queries: [Query.equal('status', [false])] });
    expect(blocked.users.map((u) => u.$id)).toEqual(['u09', 'u19', 'u29', 'u39']);
    const active = await emu.users.list({ queries: [Query.notEqual('status', false), Query.limit(100)] });
    expect(active.total).toBe(N - 4);
    const amys = await emu.users.list({ queries: [Query.startsWith('name', 'amy'), Query.limit(100)] });
    expect(amys.users.every((u) => u.name.startsWith('amy'))).toBe(true);
    expect(amys.total).toBe(N / names.length);
    const shop2 = await emu.users.list({ queries: [Query.endsWith('email', '@shop2.example.com'), Query.limit(100)] });
    expect(shop2.users.map((u) => u.$id)).toEqual(ids.filter((_, i) => i % 3 === 2));
    const store1Managers = await emu.users.list({ queries: [Query.contains('labels', ['store1']), Query.limit(100)] });
    expect(store1Managers.users.map((u) => u.$id)).toEqual([]);
    const store0 = await emu.users.list({ queries: [Query.contains('labels', ['store0']), Query.limit(100)] });
    expect(store0.users.map((u) => u.$id)).toEqual(ids.filter((_, i) => i % 4 === 0));
  });

  it('searches id, email and name by word prefix', async () => {
    const res = await emu.users.list({ search: 'carl', queries: [Query.limit(100)] });
    expect(res.total).toBe(N / names.length);
    expect(res.users.every((u) => u.name.startsWith('carl'))).toBe(true);
    expect((await emu.users.list({ search: 'shop1' })).total).toBe(ids.filter((_, i) => i % 3 === 1).length);
    expect((await emu.users.list({ search: 'u07' })).users.map((u) => u.$id)).toEqual(['u07']);
    expect((await emu.users.list({ search: 'nobodyatall' })).total).toBe(0);
  });

  it('orders, limits and offsets', async () => {
    const desc = await emu.users.list({ queries: [Query.orderDesc('$id'), Query.limit(3), Query.offset(1)] });
    expect(desc.users.map((u) => u.$id)).toEqual(['u38', 'u37', 'u36']);
    expect(desc.total).toBe(N);
    const byName = await emu.users.list({ queries: [Query.orderAsc('name'), Query.limit(100)] });
    const got = byName.users.map((u) => u.name);
    expect(got).toEqual([...got].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('walks every user with cursorAfter without duplicates or gaps, and back with cursorBefore', async () => {
    for (const order of [[], [Query.orderAsc('name')], [Query.orderDesc('email')]]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (;;) {
        const queries: string[] = [...order, Query.limit(7), ...(cursor ? [Query.cursorAfter(cursor)] : [])];
        const page = await emu.users.list({ queries });
        if (page.users.length === 0) break;
        seen.push(...page.users.map((u) => u.$id));
        cursor = page.users.at(-1)!.$id;
      }
      expect(seen.length).toBe(N);
      expect(new Set(seen).size).toBe(N);
      const all = await emu.users.list({ queries: [...order, Query.limit(N)] });
      expect(seen).toEqual(all.users.map((u) => u.$id));
    }
    const before = await emu.users.list({ queries: [Query.cursorBefore('u10'), Query.limit(3)] });
    expect(before.users.map((u) => u.$id)).toEqual(['u07', 'u08', 'u09']);
  });

  it('answers 400 general_query_invalid for bad queries and general_cursor_not_found for a missing cursor', async () => {
    for (const q of [
      'not json',
      JSON.stringify({ method: 'explode', attribute: 'name', values: ['x'] }),
      JSON.stringify({ method: 'equal', attribute: 'password', values: ['x'] }),
      JSON.stringify({ method: 'equal', attribute: 'labels', values: ['manager'] }),
      JSON.stringify({ method: 'limit', values: [-1] }),
    ]) {
      const { status, body } = await listRaw([q]);
      expect({ q, status, type: body.type }).toEqual({ q, status: 400, type: 'general_query_invalid' });
    }
    const { status, body } = await listRaw([Query.cursorAfter('ghost')]);
    expect({ status, type: body.type }).toEqual({ status: 400, type: 'general_cursor_not_found' });
    const badTotal = await listRaw([], '&total=maybe');
    expect(badTotal.status).toBe(400);
  });
});
