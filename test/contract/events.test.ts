import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppwriteException, Client, ID, Users } from 'node-appwrite';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import type { FunctionContext } from '../../emulator/functions/types.js';

interface Delivery {
  event: string;
  trigger: string;
  userId: string;
  executionId: string;
  key: string;
  payload: Record<string, unknown>;
}

let emu: TestEmulator;
const seen: Delivery[] = [];

function recorder(ctx: FunctionContext) {
  seen.push({
    event: ctx.req.headers['x-appwrite-event'] ?? '',
    trigger: ctx.req.headers['x-appwrite-trigger'] ?? '',
    userId: ctx.req.headers['x-appwrite-user-id'] ?? 'missing',
    executionId: ctx.req.headers['x-appwrite-execution-id'] ?? '',
    key: ctx.req.headers['x-appwrite-key'] ?? '',
    payload: ctx.req.bodyJson as Record<string, unknown>,
  });
  return ctx.res.empty();
}

const rowNames = (id: string) => [`databases.pos.collections.sales.documents.${id}.create`, `databases.pos.tables.sales.rows.${id}.create`];

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  await emu.emulator.functions.idle();
  for (const f of emu.emulator.functions.list()) emu.emulator.functions.unregister(f.def.$id);
  emu.emulator.events.setDelivery({});
  seen.length = 0;
});

describe('event delivery to functions', () => {
  it('N users.create writes through the SDK produce N deliveries with the right names and payloads', async () => {
    emu.emulator.functions.register({ $id: 'on-users', events: ['users.*.create'], handler: recorder });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const u = await emu.users.create({ userId: ID.unique(), email: `ev${i}@example.com`, password: 'password-123', name: `Ev ${i}` });
      ids.push(u.$id);
    }
    await emu.emulator.functions.idle();
    expect(seen).toHaveLength(12);
    expect(seen.map((d) => d.event).sort()).toEqual(ids.map((id) => `users.${id}.create`).sort());
    for (const d of seen) {
      expect(d.trigger).toBe('event');
      expect(d.userId).toBe('');
      expect(d.payload.$id).toBe(d.event.split('.')[1]);
      expect(typeof d.payload.email).toBe('string');
    }
    const executions = [...emu.emulator.state.executions.values()].filter((e) => e.functionId === 'on-users');
    expect(executions).toHaveLength(12);
    expect(executions.every((e) => e.trigger === 'event' && e.status === 'completed' && e.responseStatusCode === 204)).toBe(true);
  });

  it('runs a function subscribed to both row families once per write, with the first name as x-appwrite-event', async () => {
    emu.emulator.functions.register({ $id: 'mirror', events: ['databases.*.tables.*.rows.*', 'databases.*.collections.*.documents.*'], handler: recorder });
    emu.emulator.functions.register({ $id: 'updates-only', events: ['databases.*.tables.*.rows.*.update'], handler: recorder });
    for (let i = 0; i < 7; i++) emu.emulator.events.emit(rowNames(`r${i}`), { $id: `r${i}`, $tableId: 'sales', total: i });
    await emu.emulator.functions.idle();
    expect(seen).toHaveLength(7);
    expect(seen.map((d) => d.event)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => rowNames(`r${i}`)[0]));
    expect(seen.map((d) => d.payload.total)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('with duplication enabled the function sees duplicates', async () => {
    emu.emulator.functions.register({ $id: 'dup', events: ['databases.*.tables.*.rows.*'], handler: recorder });
    emu.emulator.events.setDelivery({ duplicate: 0.5, seed: 42 });
    const before = emu.emulator.functions.stats.duplicated;
    for (let i = 0; i < 40; i++) emu.emulator.events.emit(rowNames(`d${i}`), { $id: `d${i}` });
    await emu.emulator.functions.idle();
    const duplicated = emu.emulator.functions.stats.duplicated - before;
    expect(duplicated).toBeGreaterThan(5);
    expect(seen).toHaveLength(40 + duplicated);
    const counts = new Map<unknown, number>();
    for (const d of seen) counts.set(d.payload.$id, (counts.get(d.payload.$id) ?? 0) + 1);
    expect(counts.size).toBe(40);
    expect([...counts.values()].filter((n) => n === 2)).toHaveLength(duplicated);
    // Each copy is its own execution, as a redelivered Appwrite event is.
    expect(new Set(seen.map((d) => d.executionId)).size).toBe(seen.length);
  });

  it('with reorder the order of deliveries differs from the order of writes, and a seed makes it repeatable', async () => {
    emu.emulator.functions.register({ $id: 'order', events: ['databases.*.tables.*.rows.*.create'], handler: recorder });
    const run = async (seed: number) => {
      seen.length = 0;
      emu.emulator.events.setDelivery({ reorder: true, seed });
      for (let i = 0; i < 20; i++) emu.emulator.events.emit(rowNames(`o${i}`), { $id: `o${i}`, n: i });
      await emu.emulator.functions.idle();
      return seen.map((d) => d.payload.n as number);
    };
    const first = await run(7);
    expect(first).toHaveLength(20);
    expect([...first].sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(first).not.toEqual([...Array(20).keys()]);
    expect(await run(7)).toEqual(first);
  });

  it('with drop every delivery is lost, and with a delay deliveries arrive late', async () => {
    emu.emulator.functions.register({ $id: 'lossy', events: ['users.*'], handler: recorder });
    emu.emulator.events.setDelivery({ drop: 1 });
    emu.emulator.events.emit(['users.x1.create'], { $id: 'x1' });
    await emu.emulator.functions.idle();
    expect(seen).toHaveLength(0);

    emu.emulator.events.setDelivery({ delayMs: [60, 80], seed: 1 });
    const started = Date.now();
    emu.emulator.events.emit(['users.x2.create'], { $id: 'x2' });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(0);
    await emu.emulator.functions.idle();
    expect(seen).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(59);
  });

  it('does not retry a failed event execution and records its error', async () => {
    let runs = 0;
    emu.emulator.functions.register({
      $id: 'broken',
      events: ['users.*.create'],
      handler: () => {
        runs++;
        throw new Error('mirror database down');
      },
    });
    emu.emulator.events.emit(['users.f1.create'], { $id: 'f1' });
    await emu.emulator.functions.idle();
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(1);
    const [exec] = [...emu.emulator.state.executions.values()].filter((e) => e.functionId === 'broken');
    expect(exec?.status).toBe('failed');
    expect(exec?.responseStatusCode).toBe(500);
    expect(exec?.errors).toContain('mirror database down');
  });

  it('hands the function a key with exactly its scopes, expiring after timeout + 60 s, and its environment', async () => {
    const outcome: { listed?: number; createError?: string; createCode?: number; env?: Record<string, string> } = {};
    emu.emulator.functions.register({
      $id: 'scoped',
      name: 'Scoped reader',
      events: ['users.*.update.labels'],
      scopes: ['users.read'],
      timeout: 30,
      variables: { PIN_PEPPER: 'pepper', APPWRITE_FUNCTION_ID: 'spoofed' },
      handler: async (ctx) => {
        const env = ctx.env ?? {};
        outcome.env = env;
        const client = new Client()
          .setEndpoint(env.APPWRITE_FUNCTION_API_ENDPOINT ?? '')
          .setProject(env.APPWRITE_FUNCTION_PROJECT_ID ?? '')
          .setKey(ctx.req.headers['x-appwrite-key'] ?? '');
        const users = new Users(client);
        outcome.listed = (await users.list()).total;
        try {
          await users.create({ userId: ID.unique(), email: 'nope@example.com' });
        } catch (e) {
          if (e instanceof AppwriteException) {
            outcome.createError = e.type;
            outcome.createCode = e.code;
          }
        }
        return ctx.res.json({ ok: true });
      },
    });
    const processEnvBefore = { ...process.env };
    emu.emulator.events.emit(['users.s1.update.labels'], { $id: 's1', labels: ['manager'] });
    await emu.emulator.functions.idle();
    expect(outcome.listed).toBeGreaterThanOrEqual(0);
    expect(outcome.createCode).toBe(401);
    expect(outcome.createError).toBe('general_unauthorized_scope');
    expect(outcome.env).toMatchObject({
      APPWRITE_FUNCTION_API_ENDPOINT: emu.endpoint,
      APPWRITE_FUNCTION_PROJECT_ID: emu.projectId,
      APPWRITE_FUNCTION_ID: 'scoped',
      APPWRITE_FUNCTION_NAME: 'Scoped reader',
      APPWRITE_FUNCTION_RUNTIME_NAME: 'Node.js',
      PIN_PEPPER: 'pepper',
    });
    expect(process.env).toEqual(processEnvBefore);
    const keys = [...emu.emulator.state.apiKeys.values()].filter((k) => k.name.includes('scoped'));
    expect(keys).toHaveLength(1);
    expect(keys[0]?.scopes).toEqual(['users.read']);
    const ttl = Date.parse(keys[0]!.expire!) - Date.now();
    expect(ttl).toBeGreaterThan(85_000);
    expect(ttl).toBeLessThanOrEqual(90_000);
  });

  it('rejects the per-execution key once it has expired', async () => {
    let key = '';
    emu.emulator.functions.register({
      $id: 'keeper',
      events: ['users.*.create'],
      scopes: ['users.read'],
      handler: (ctx) => {
        key = ctx.req.headers['x-appwrite-key'] ?? '';
        return ctx.res.empty();
      },
    });
    emu.emulator.events.emit(['users.k1.create'], { $id: 'k1' });
    await emu.emulator.functions.idle();
    const record = [...emu.emulator.state.apiKeys.values()].find((k) => k.name.includes('keeper'));
    expect(record).toBeDefined();
    record!.expire = new Date(Date.now() - 1000).toISOString();
    const res = await fetch(`${emu.endpoint}/users`, { headers: { 'x-appwrite-project': emu.projectId, 'x-appwrite-key': key } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { type: string }).type).toBe('api_key_expired');
  });
});
