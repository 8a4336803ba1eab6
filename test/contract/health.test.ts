import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID } from 'node-appwrite';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

let emu: TestEmulator;
let readerKey = '';
const get = (path: string, key: string | null = emu.apiKey, project: string | null = emu.projectId) =>
  fetch(`${emu.endpoint}${path}`, {
    headers: { ...(project ? { 'x-appwrite-project': project } : {}), ...(key ? { 'x-appwrite-key': key } : {}) },
  });

beforeAll(async () => {
  emu = await startTestEmulator();
  readerKey = emu.emulator.createApiKey('users-only', ['users.read']);
});
afterAll(async () => {
  await emu.stop();
});

describe('health', () => {
  it('answers healthStatus for /health and healthStatusList for db, cache and pubsub', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'http', status: 'pass' });
    for (const [path, name] of [['/health/db', 'database'], ['/health/cache', 'cache'], ['/health/pubsub', 'pubsub']] as const) {
      const r = await get(path);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { total: number; statuses: { name: string; ping: number; status: string }[] };
      expect(body.total).toBe(1);
      expect(body.statuses[0]).toMatchObject({ name, status: 'pass' });
      expect(Number.isInteger(body.statuses[0]!.ping)).toBe(true);
    }
  });

  it('reports the time, and the functions queue with its threshold', async () => {
    const time = (await (await get('/health/time')).json()) as { localTime: number; diff: number };
    expect(Math.abs(time.localTime - Date.now() / 1000)).toBeLessThan(5);
    const queue = await get('/health/queue/functions');
    expect(await queue.json()).toEqual({ size: 0 });
    emu.emulator.functions.register({ $id: 'waiter', events: ['users.*'], handler: async (ctx) => {
      await new Promise((r) => setTimeout(r, 100));
      return ctx.res.empty();
    } });
    await emu.users.create({ userId: ID.unique(), email: 'queue@example.com' });
    const busy = await get('/health/queue/functions?threshold=1');
    expect(busy.status).toBe(503);
    expect(((await busy.json()) as { type: string }).type).toBe('health_queue_size_exceeded');
    await emu.emulator.functions.idle();
    expect(await (await get('/health/queue/functions?threshold=1')).json()).toEqual({ size: 0 });
  });

  it('requires the health.read scope and a project, except for /health/version', async () => {
    const denied = await get('/health', readerKey);
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { type: string }).type).toBe('general_unauthorized_scope');
    const guest = await get('/health/db', null);
    expect(guest.status).toBe(401);
    const version = await get('/health/version', null, null);
    expect(version.status).toBe(200);
    expect(await version.json()).toEqual({ version: '1.9.6' });
    const noProject = await get('/health', emu.apiKey, null);
    expect(noProject.status).toBe(403);
  });
});
