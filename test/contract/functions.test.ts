import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppwriteException, Client, ExecutionMethod, Functions, ID, Query } from 'node-appwrite';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { verifyJwt } from '../../emulator/jwt.js';

let emu: TestEmulator;
const seenHeaders: Record<string, string>[] = [];

async function failure(p: Promise<unknown>): Promise<AppwriteException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppwriteException) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  emu = await startTestEmulator();
  const fns = emu.emulator.functions;
  fns.register({
    $id: 'echo',
    name: 'Echo',
    execute: ['any'],
    scopes: ['users.read'],
    events: ['users.*.create'],
    timeout: 20,
    handler: (ctx) => {
      seenHeaders.push({ ...ctx.req.headers });
      ctx.log('echoing', { path: ctx.req.path });
      return ctx.res.json({ method: ctx.req.method, path: ctx.req.path, query: ctx.req.query, body: ctx.req.bodyText, custom: ctx.req.headers['x-custom'] ?? null }, 200, { 'x-echo': 'yes' });
    },
  });
  fns.register({ $id: 'members-only', execute: ['users'], handler: (ctx) => ctx.res.text('hello member') });
  fns.register({ $id: 'thrower', handler: () => { throw new Error('kaboom'); } });
  fns.register({ $id: 'no-return', handler: () => undefined });
  fns.register({ $id: 'slow', timeout: 1, handler: () => new Promise(() => undefined) });
  fns.register({ $id: 'disabled', enabled: false, execute: ['any'], handler: (ctx) => ctx.res.empty() });
});
afterAll(async () => {
  await emu.stop();
});

describe('functions REST', () => {
  it('runs a synchronous execution and returns the completed Execution with the response', async () => {
    const exec = await emu.functions.createExecution({ functionId: 'echo', body: '{"a":1}', xpath: '/orders?id=5', method: ExecutionMethod.PUT, headers: { 'x-custom': 'c1', 'x-appwrite-user-id': 'spoof' } });
    expect(exec.status).toBe('completed');
    expect(exec.trigger).toBe('http');
    expect(exec.responseStatusCode).toBe(200);
    expect(JSON.parse(exec.responseBody)).toEqual({ method: 'PUT', path: '/orders', query: { id: '5' }, body: '{"a":1}', custom: 'c1' });
    expect(exec.responseHeaders).toContainEqual({ name: 'x-echo', value: 'yes' });
    expect(exec.logs).toContain('echoing');
    expect(exec.requestPath).toBe('/orders?id=5');
    expect(exec.requestHeaders.some((h) => h.name === 'x-appwrite-key')).toBe(false);
    const h = seenHeaders.at(-1)!;
    expect(h['x-appwrite-trigger']).toBe('http');
    expect(h['x-appwrite-user-id']).toBe('');
    expect(h['x-appwrite-execution-id']).toBe(exec.$id);
    expect(h['x-appwrite-key']).toMatch(/^standard_/);
    expect(exec.duration).toBeGreaterThanOrEqual(0);
  });

  it('queues an asynchronous execution (202, waiting) and completes it in the background', async () => {
    const exec = await emu.functions.createExecution({ functionId: 'echo', body: 'later', async: true });
    expect(exec.status).toBe('waiting');
    await emu.emulator.functions.idle();
    const done = await emu.functions.getExecution({ functionId: 'echo', executionId: exec.$id });
    expect(done.status).toBe('completed');
    expect(done.responseStatusCode).toBe(200);
    expect(done.responseBody).toBe('');
  });

  it('lists executions with limit, offset and ordering', async () => {
    for (let i = 0; i < 3; i++) await emu.functions.createExecution({ functionId: 'echo', body: `n${i}` });
    const all = await emu.functions.listExecutions({ functionId: 'echo' });
    expect(all.total).toBeGreaterThanOrEqual(5);
    const page = await emu.functions.listExecutions({ functionId: 'echo', queries: [Query.orderDesc('$createdAt'), Query.limit(2), Query.offset(1)] });
    expect(page.executions).toHaveLength(2);
    const desc = [...all.executions].sort((a, b) => (a.$createdAt < b.$createdAt ? 1 : a.$createdAt > b.$createdAt ? -1 : 0));
    expect(page.executions[0]!.$createdAt >= page.executions[1]!.$createdAt).toBe(true);
    expect(page.executions[0]!.$createdAt <= desc[0]!.$createdAt).toBe(true);
    const failed = await emu.functions.listExecutions({ functionId: 'echo', queries: [Query.equal('status', 'failed')] });
    expect(failed.total).toBe(0);
    const bad = await failure(emu.functions.listExecutions({ functionId: 'echo', queries: ['{"method":"explode"}'] }));
    expect(bad.code).toBe(400);
  });

  it('returns the Function model of a registered definition and lists functions', async () => {
    const fn = await emu.functions.get({ functionId: 'echo' });
    expect(fn).toMatchObject({ $id: 'echo', name: 'Echo', runtime: 'node-22', events: ['users.*.create'], scopes: ['users.read'], timeout: 20, execute: ['any'], enabled: true });
    const list = await emu.functions.list({ search: 'echo' });
    expect(list.functions.map((f) => f.$id)).toEqual(['echo']);
    const everything = await emu.functions.list();
    expect(everything.total).toBe(6);
  });

  it('answers 404 function_not_found and execution_not_found for unknown ids', async () => {
    const e = await failure(emu.functions.createExecution({ functionId: 'ghost' }));
    expect([e.code, e.type]).toEqual([404, 'function_not_found']);
    const g = await failure(emu.functions.get({ functionId: 'ghost' }));
    expect(g.type).toBe('function_not_found');
    const x = await failure(emu.functions.getExecution({ functionId: 'echo', executionId: 'nope' }));
    expect([x.code, x.type]).toEqual([404, 'execution_not_found']);
  });

  it('records a throwing, non-returning or timed-out entry as a failed execution with a 500', async () => {
    const thrown = await emu.functions.createExecution({ functionId: 'thrower' });
    expect([thrown.status, thrown.responseStatusCode]).toEqual(['failed', 500]);
    expect(thrown.errors).toContain('kaboom');
    const missing = await emu.functions.createExecution({ functionId: 'no-return' });
    expect(missing.status).toBe('failed');
    expect(missing.errors).toContain('Return statement missing');
    const slow = await emu.functions.createExecution({ functionId: 'slow' });
    expect(slow.status).toBe('failed');
    expect(slow.errors).toContain('timed out');
  });

  it('lets clients execute only functions whose execute roles they hold', async () => {
    const guest = new Functions(emu.guestClient());
    const ok = await guest.createExecution({ functionId: 'echo', body: 'guest' });
    expect(ok.status).toBe('completed');
    expect(ok.logs).toBe('');
    const denied = await failure(guest.createExecution({ functionId: 'members-only' }));
    expect([denied.code, denied.type]).toEqual([401, 'user_unauthorized']);
    const hidden = await failure(guest.createExecution({ functionId: 'disabled' }));
    expect(hidden.type).toBe('function_not_found');
    // The guest cannot read an execution made by the API key (no read permission for it).
    const own = await emu.functions.createExecution({ functionId: 'echo' });
    const unreadable = await failure(new Functions(emu.guestClient()).getExecution({ functionId: 'echo', executionId: own.$id }));
    expect(unreadable.type).toBe('general_unauthorized_scope');
  });

  it('passes x-appwrite-user-id and a valid x-appwrite-user-jwt for a signed-in user', async () => {
    const user = await emu.users.create({ userId: ID.unique(), email: 'runner@example.com', password: 'password-123' });
    const session = await emu.users.createSession({ userId: user.$id });
    const client: Client = emu.guestClient().setSession(session.secret);
    const member = new Functions(client);
    const exec = await member.createExecution({ functionId: 'members-only' });
    expect(exec.responseBody).toBe('hello member');
    const echo = await member.createExecution({ functionId: 'echo' });
    const h = seenHeaders.at(-1)!;
    expect(h['x-appwrite-user-id']).toBe(user.$id);
    const claims = verifyJwt(h['x-appwrite-user-jwt'] ?? '', emu.emulator.state.jwtSecret);
    expect(claims?.userId).toBe(user.$id);
    expect(claims?.sessionId).toBe(session.$id);
    const mine = await member.getExecution({ functionId: 'echo', executionId: echo.$id });
    expect(mine.$permissions).toEqual([`read("user:${user.$id}")`]);
    const listed = await member.listExecutions({ functionId: 'echo' });
    expect(listed.executions.map((e) => e.$id)).toEqual([echo.$id]);
  });

  it('rejects bad execution parameters with 400', async () => {
    const res = await fetch(`${emu.endpoint}/functions/echo/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': emu.projectId, 'x-appwrite-key': emu.apiKey },
      body: JSON.stringify({ method: 'BREW', body: 'x' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { type: string }).type).toBe('general_argument_invalid');
    const wrongType = await fetch(`${emu.endpoint}/functions/echo/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': emu.projectId, 'x-appwrite-key': emu.apiKey },
      body: JSON.stringify({ body: 42 }),
    });
    expect(wrongType.status).toBe(400);
  });
});
