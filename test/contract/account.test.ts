import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppwriteException as WebAppwriteException, Client as WebClient, Account as WebAccount } from 'appwrite';
import { Account as NodeAccount } from 'node-appwrite';
import type { EmittedEvent } from '../../emulator/events.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { openBrowser, uninstallWindow, type WebBrowser } from '../support/web-sdk.js';

let emu: TestEmulator;
let events: EmittedEvent[] = [];

async function rejects(p: Promise<unknown>, code: number, type: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected ${code} ${type}`).not.toBeNull();
  expect(err instanceof WebAppwriteException || (err as Error).name === 'AppwriteException').toBe(true);
  const e = err as { code: number; type: string };
  expect({ code: e.code, type: e.type }).toEqual({ code, type });
}

const browser = (): WebBrowser => openBrowser(emu.endpoint, emu.projectId);

beforeAll(async () => {
  emu = await startTestEmulator();
  emu.emulator.events.subscribe((e) => events.push(e));
  await emu.users.create({ userId: 'ann', email: 'ann@example.com', password: 'anns password', name: 'Ann' });
  await emu.users.create({ userId: 'ben', email: 'ben@example.com', password: 'bens password' });
  await emu.users.updateLabels({ userId: 'ann', labels: ['cashier'] });
});
afterAll(async () => {
  uninstallWindow();
  await emu.stop();
});

describe('account: email/password sessions with the web SDK', () => {
  it('a guest gets 401 general_unauthorized_scope on /account', async () => {
    const b = browser();
    await rejects(b.account.get(), 401, 'general_unauthorized_scope');
    await rejects(b.account.listSessions(), 401, 'general_unauthorized_scope');
  });

  it('logs in, keeps the session through X-Fallback-Cookies and answers the Account model', async () => {
    const b = browser();
    events = [];
    const session = await b.account.createEmailPasswordSession({ email: 'ANN@example.com', password: 'anns password' });
    expect(session).toMatchObject({ userId: 'ann', provider: 'email', providerUid: 'ann@example.com', current: true, secret: '', factors: ['password'] });
    expect(Date.parse(session.expire) - Date.parse(session.$createdAt)).toBe(31_536_000_000);
    expect(b.sessionSecret(emu.projectId)).toBeTruthy();
    const me = await b.account.get();
    expect(me).toMatchObject({ $id: 'ann', email: 'ann@example.com', name: 'Ann', labels: ['cashier'] });
    expect(me).not.toHaveProperty('password');
    expect(events.map((e) => e.names[0])).toEqual([`users.ann.sessions.${session.$id}.create`]);
    expect(events[0]!.userId).toBe('ann');
    // A signed-in caller may not open another session.
    await rejects(b.account.createEmailPasswordSession({ email: 'ann@example.com', password: 'anns password' }), 401, 'user_session_already_exists');
  });

  it('sets the a_session cookie, which alone authenticates', async () => {
    const res = await fetch(`${emu.endpoint}/account/sessions/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': emu.projectId },
      body: JSON.stringify({ email: 'ben@example.com', password: 'bens password' }),
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^a_session_${emu.projectId}=[^;]+;`));
    expect(cookie.toLowerCase()).toContain('httponly');
    expect(cookie).toContain('Path=/');
    const fallback = JSON.parse(res.headers.get('x-fallback-cookies') ?? '{}') as Record<string, string>;
    const secret = fallback[`a_session_${emu.projectId}`]!;
    expect(cookie).toContain(`=${encodeURIComponent(secret)};`);
    const me = await fetch(`${emu.endpoint}/account`, { headers: { 'x-appwrite-project': emu.projectId, cookie: cookie.split(';')[0]! } });
    expect(((await me.json()) as { $id: string }).$id).toBe('ben');
  });

  it('refuses wrong passwords and unknown emails with 401 user_invalid_credentials', async () => {
    const b = browser();
    await rejects(b.account.createEmailPasswordSession({ email: 'ann@example.com', password: 'anns passwor' }), 401, 'user_invalid_credentials');
    await rejects(b.account.createEmailPasswordSession({ email: 'nobody@example.com', password: 'whatever1' }), 401, 'user_invalid_credentials');
    await rejects(b.account.createEmailPasswordSession({ email: 'bad', password: 'whatever1' }), 400, 'general_argument_invalid');
    expect(b.sessionSecret(emu.projectId)).toBeNull();
  });

  it('a blocked user cannot log in, and their live session stops working', async () => {
    await emu.users.create({ userId: 'cid', email: 'cid@example.com', password: 'cids password' });
    const b = browser();
    await b.account.createEmailPasswordSession({ email: 'cid@example.com', password: 'cids password' });
    await emu.users.updateStatus({ userId: 'cid', status: false });
    await rejects(b.account.get(), 403, 'user_blocked');
    const fresh = browser();
    await rejects(fresh.account.createEmailPasswordSession({ email: 'cid@example.com', password: 'cids password' }), 403, 'user_blocked');
    await emu.users.updateStatus({ userId: 'cid', status: true });
    expect((await fresh.account.createEmailPasswordSession({ email: 'cid@example.com', password: 'cids password' })).userId).toBe('cid');
  });

  it('an API-key caller gets the session secret in the body (server-side rendering)', async () => {
    const session = await new NodeAccount(emu.server).createEmailPasswordSession({ email: 'ben@example.com', password: 'bens password' });
    expect(session.secret).not.toBe('');
    const me = await new NodeAccount(emu.guestClient().setSession(session.secret)).get();
    expect(me.$id).toBe('ben');
  });
});

describe('account: token sessions, setSession, JWTs', () => {
  it('exchanges a users.createToken secret once; reuse and expiry answer 401 user_invalid_token', async () => {
    const token = await emu.users.createToken({ userId: 'ann', length: 64 });
    const b = browser();
    const session = await b.account.createSession({ userId: 'ann', secret: token.secret });
    expect(session).toMatchObject({ userId: 'ann', provider: 'token', secret: '', current: true });
    expect((await b.account.get()).$id).toBe('ann');
    await rejects(browser().account.createSession({ userId: 'ann', secret: token.secret }), 401, 'user_invalid_token');
    await rejects(browser().account.createSession({ userId: 'ben', secret: (await emu.users.createToken({ userId: 'ann' })).secret }), 401, 'user_invalid_token');

    const expiring = await emu.users.createToken({ userId: 'ann', length: 64, expire: 60 });
    emu.emulator.state.tokens.get(expiring.$id)!.expire = new Date(Date.now() - 1000).toISOString();
    await rejects(browser().account.createSession({ userId: 'ann', secret: expiring.secret }), 401, 'user_invalid_token');
    expect(emu.emulator.state.tokens.has(expiring.$id)).toBe(false);
  });

  it('client.setSession(secret) with a server-created session', async () => {
    const s = await emu.users.createSession({ userId: 'ben' });
    const client = new WebClient().setEndpoint(emu.endpoint).setProject(emu.projectId).setSession(s.secret);
    uninstallWindow();
    expect((await new WebAccount(client).get()).$id).toBe('ben');
    const current = await new WebAccount(client).getSession({ sessionId: 'current' });
    expect(current).toMatchObject({ $id: s.$id, current: true, secret: '' });
  });

  it('createJWT works through setJWT until its session is deleted', async () => {
    const b = browser();
    const session = await b.account.createEmailPasswordSession({ email: 'ann@example.com', password: 'anns password' });
    const { jwt } = await b.account.createJWT();
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { exp: number };
    expect(claims.exp - Date.now() / 1000).toBeGreaterThan(890);
    expect(claims.exp - Date.now() / 1000).toBeLessThanOrEqual(900);
    const viaJwt = new WebAccount(new WebClient().setEndpoint(emu.endpoint).setProject(emu.projectId).setJWT(jwt));
    uninstallWindow();
    expect((await viaJwt.get()).$id).toBe('ann');
    expect((await viaJwt.getPrefs())).toEqual({});
    await emu.users.deleteSession({ userId: 'ann', sessionId: session.$id });
    await rejects(viaJwt.get(), 401, 'general_unauthorized_scope');
    const b2 = browser();
    await b2.account.createEmailPasswordSession({ email: 'ann@example.com', password: 'anns password' });
    await rejects(b2.account.createJWT({ duration: 3601 }), 400, 'general_argument_invalid');
    const short = await b2.account.createJWT({ duration: 60 });
    expect(JSON.parse(Buffer.from(short.jwt.split('.')[1]!, 'base64url').toString()).exp - Date.now() / 1000).toBeLessThanOrEqual(60);
  });
});

describe('account: sessions, password, name, prefs', () => {
  it('lists, gets and deletes sessions by id and current', async () => {
    await emu.users.create({ userId: 'dot', email: 'dot@example.com', password: 'dots password' });
    const other = await emu.users.createSession({ userId: 'dot' });
    const b = browser();
    const mine = await b.account.createEmailPasswordSession({ email: 'dot@example.com', password: 'dots password' });
    const list = await b.account.listSessions();
    expect(list.total).toBe(2);
    expect(list.sessions.map((s) => [s.$id, s.current])).toEqual([[other.$id, false], [mine.$id, true]]);
    expect((await b.account.getSession({ sessionId: 'current' })).$id).toBe(mine.$id);
    expect((await b.account.getSession({ sessionId: other.$id })).current).toBe(false);
    const bens = await emu.users.createSession({ userId: 'ben' });
    await rejects(b.account.getSession({ sessionId: bens.$id }), 404, 'user_session_not_found');
    await rejects(b.account.deleteSession({ sessionId: bens.$id }), 404, 'user_session_not_found');

    events = [];
    await b.account.deleteSession({ sessionId: other.$id });
    expect(events.map((e) => e.names[0])).toEqual([`users.dot.sessions.${other.$id}.delete`]);
    expect((await b.account.listSessions()).total).toBe(1);
    await b.account.deleteSession({ sessionId: 'current' });
    expect(b.sessionSecret(emu.projectId)).toBeNull();
    await rejects(b.account.get(), 401, 'general_unauthorized_scope');
    expect((await emu.users.listSessions({ userId: 'dot' })).total).toBe(0);
  });

  it('deleteSessions signs out everywhere', async () => {
    const server = await emu.users.createSession({ userId: 'dot' });
    const b = browser();
    await b.account.createEmailPasswordSession({ email: 'dot@example.com', password: 'dots password' });
    await b.account.deleteSessions();
    await rejects(b.account.get(), 401, 'general_unauthorized_scope');
    await rejects(new NodeAccount(emu.guestClient().setSession(server.secret)).get(), 401, 'general_unauthorized_scope');
  });

  it('updates the password only with the right old password', async () => {
    const b = browser();
    await b.account.createEmailPasswordSession({ email: 'dot@example.com', password: 'dots password' });
    await rejects(b.account.updatePassword({ password: 'dots new password', oldPassword: 'wrong one' }), 401, 'user_invalid_credentials');
    await rejects(b.account.updatePassword({ password: 'short', oldPassword: 'dots password' }), 400, 'general_argument_invalid');
    events = [];
    const me = await b.account.updatePassword({ password: 'dots new password', oldPassword: 'dots password' });
    expect(me.$id).toBe('dot');
    expect(events.map((e) => e.names[0])).toEqual(['users.dot.update.password']);
    await rejects(browser().account.createEmailPasswordSession({ email: 'dot@example.com', password: 'dots password' }), 401, 'user_invalid_credentials');
    expect((await browser().account.createEmailPasswordSession({ email: 'dot@example.com', password: 'dots new password' })).userId).toBe('dot');
  });

  it('updates name and prefs', async () => {
    const b = browser();
    await b.account.createEmailPasswordSession({ email: 'ann@example.com', password: 'anns password' });
    events = [];
    expect((await b.account.updateName({ name: 'Ann A' })).name).toBe('Ann A');
    const me = await b.account.updatePrefs({ prefs: { lang: 'sv', till: 2 } });
    expect(me.prefs).toEqual({ lang: 'sv', till: 2 });
    expect(await b.account.getPrefs()).toEqual({ lang: 'sv', till: 2 });
    expect((await emu.users.get({ userId: 'ann' })).name).toBe('Ann A');
    expect(events.map((e) => e.names[0])).toEqual(['users.ann.update.name', 'users.ann.update.prefs']);
    await rejects(b.account.updateName({ name: 'x'.repeat(129) }), 400, 'general_argument_invalid');
  });
});
