import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Account, AppwriteException, Client, ID, Users } from 'node-appwrite';
import type { EmittedEvent } from '../../emulator/events.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

let emu: TestEmulator;
let events: EmittedEvent[] = [];

/** Expects the promise to reject with an AppwriteException of this status and type. */
async function rejects(p: Promise<unknown>, code: number, type: string): Promise<AppwriteException> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppwriteException);
    const err = e as AppwriteException;
    expect({ code: err.code, type: err.type }).toEqual({ code, type });
    return err;
  }
  throw new Error(`expected ${code} ${type}, but the call succeeded`);
}

/** Logs in through the client Account API with a server-side (node) guest client. */
const login = (email: string, password: string) => new Account(emu.guestClient()).createEmailPasswordSession({ email, password });

beforeAll(async () => {
  emu = await startTestEmulator();
  emu.emulator.events.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await emu.stop();
});

describe('users: create, get, update, delete', () => {
  it('creates a user with an argon2id password hash and Appwrite\'s User model', async () => {
    const user = await emu.users.create({ userId: 'alice', email: 'Alice@Example.com', password: 'correct horse', name: 'Alice' });
    expect(user).toMatchObject({
      $id: 'alice',
      email: 'alice@example.com',
      name: 'Alice',
      phone: '',
      status: true,
      labels: [],
      prefs: {},
      emailVerification: false,
      hash: 'argon2',
      hashOptions: { type: 'argon2', memoryCost: 2048, timeCost: 4, threads: 3 },
    });
    expect(user.password).toMatch(/^\$argon2id\$v=19\$m=2048,t=4,p=3\$/);
    expect(user.$createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    expect(user.passwordUpdate).toBe(user.$createdAt);
    expect(user.targets).toEqual([expect.objectContaining({ providerType: 'email', identifier: 'alice@example.com', userId: 'alice' })]);
    expect((await emu.users.get({ userId: 'alice' })).$id).toBe('alice');
    const session = await login('alice@example.com', 'correct horse');
    expect(session.userId).toBe('alice');
  });

  it('generates ids for unique() and allows users without email or password', async () => {
    events = [];
    const user = await emu.users.create({ userId: ID.unique() });
    expect(user.$id).toMatch(/^[a-f0-9]{20}$/);
    expect(events.map((e) => e.names)).toEqual([[`users.${user.$id}.create`]]);
    expect(events[0]!.payload).toMatchObject({ $id: user.$id, password: null, hash: 'argon2' });
    expect(user).toMatchObject({ email: '', password: null, passwordUpdate: '' });
  });

  it('answers 409 user_already_exists for a duplicate id, email (any case) or phone', async () => {
    await emu.users.create({ userId: 'dup1', email: 'dup@example.com', phone: '+14155550100' });
    await rejects(emu.users.create({ userId: 'dup1', email: 'other@example.com' }), 409, 'user_already_exists');
    await rejects(emu.users.create({ userId: 'dup2', email: 'DUP@example.com' }), 409, 'user_already_exists');
    await rejects(emu.users.create({ userId: 'dup3', phone: '+14155550100' }), 409, 'user_already_exists');
    await rejects(emu.users.get({ userId: 'dup2' }), 404, 'user_not_found');
  });

  it('rejects bad input with 400 general_argument_invalid', async () => {
    await rejects(emu.users.create({ userId: 'bad1', email: 'not-an-email' }), 400, 'general_argument_invalid');
    await rejects(emu.users.create({ userId: 'bad2', email: 'b@example.com', password: 'short' }), 400, 'general_argument_invalid');
    await rejects(emu.users.create({ userId: '-bad' }), 400, 'general_argument_invalid');
    await rejects(emu.users.create({ userId: 'bad3', phone: '0123' }), 400, 'general_argument_invalid');
    await rejects(emu.users.create({ userId: 'bad4', name: 'x'.repeat(129) }), 400, 'general_argument_invalid');
    await rejects(emu.users.get({ userId: 'no/such' }), 400, 'general_argument_invalid');
  });

  it('updates name, email, phone, status, password and prefs, each with its event', async () => {
    await emu.users.create({ userId: 'bob', email: 'bob@example.com', password: 'bobs password' });
    events = [];
    expect((await emu.users.updateName({ userId: 'bob', name: 'Bob B' })).name).toBe('Bob B');
    expect((await emu.users.updateEmail({ userId: 'bob', email: 'Bobby@Example.com' })).email).toBe('bobby@example.com');
    await rejects(emu.users.updateEmail({ userId: 'bob', email: 'alice@example.com' }), 409, 'user_target_already_exists');
    expect((await emu.users.updatePhone({ userId: 'bob', number: '+4930901820' })).phone).toBe('+4930901820');
    expect((await emu.users.updateStatus({ userId: 'bob', status: false })).status).toBe(false);
    expect((await emu.users.updateStatus({ userId: 'bob', status: true })).status).toBe(true);
    const before = (await emu.users.get({ userId: 'bob' })).password;
    const changed = await emu.users.updatePassword({ userId: 'bob', password: 'new bob password' });
    expect(changed.password).not.toBe(before);
    await rejects(login('bobby@example.com', 'bobs password'), 401, 'user_invalid_credentials');
    expect((await login('bobby@example.com', 'new bob password')).userId).toBe('bob');
    expect(await emu.users.updatePrefs({ userId: 'bob', prefs: { theme: 'dark', till: 3 } })).toEqual({ theme: 'dark', till: 3 });
    expect(await emu.users.getPrefs({ userId: 'bob' })).toEqual({ theme: 'dark', till: 3 });
    expect((await emu.users.get({ userId: 'bob' })).prefs).toEqual({ theme: 'dark', till: 3 });
    const names = events.filter((e) => e.names[0]!.startsWith('users.bob.update')).map((e) => e.names[0]);
    expect(names).toEqual([
      'users.bob.update.name', 'users.bob.update.email', 'users.bob.update.phone', 'users.bob.update.status',
      'users.bob.update.status', 'users.bob.update.password', 'users.bob.update.prefs',
    ]);
    const prefsEvent = events.find((e) => e.names[0] === 'users.bob.update.prefs')!;
    expect(prefsEvent.payload).toMatchObject({ $id: 'bob', prefs: { theme: 'dark', till: 3 }, hash: 'argon2' });
    await rejects(emu.users.updateName({ userId: 'nobody', name: 'x' }), 404, 'user_not_found');
  });

  it('replaces labels as a whole and validates them', async () => {
    await emu.users.create({ userId: 'carol' });
    events = [];
    expect((await emu.users.updateLabels({ userId: 'carol', labels: ['manager', 'store7', 'manager'] })).labels).toEqual(['manager', 'store7']);
    expect((await emu.users.updateLabels({ userId: 'carol', labels: ['cashier'] })).labels).toEqual(['cashier']);
    await rejects(emu.users.updateLabels({ userId: 'carol', labels: ['not-ok'] }), 400, 'general_argument_invalid');
    await rejects(emu.users.updateLabels({ userId: 'carol', labels: ['x'.repeat(37)] }), 400, 'general_argument_invalid');
    await rejects(emu.users.updateLabels({ userId: 'carol', labels: [''] }), 400, 'general_argument_invalid');
    expect((await emu.users.get({ userId: 'carol' })).labels).toEqual(['cashier']);
    expect(events.map((e) => e.names[0])).toEqual(['users.carol.update.labels', 'users.carol.update.labels']);
    expect(events[1]!.payload).toMatchObject({ labels: ['cashier'] });
  });

  it('deletes a user with its sessions and tokens', async () => {
    await emu.users.create({ userId: 'dave', email: 'dave@example.com', password: 'daves password' });
    const session = await emu.users.createSession({ userId: 'dave' });
    const token = await emu.users.createToken({ userId: 'dave', length: 64 });
    const asDave = new Account(emu.guestClient().setSession(session.secret));
    expect((await asDave.get()).$id).toBe('dave');
    events = [];
    await emu.users.delete({ userId: 'dave' });
    expect(events.map((e) => e.names[0])).toEqual([`users.dave.sessions.${session.$id}.delete`, 'users.dave.delete']);
    expect(events[1]!.payload).toMatchObject({ $id: 'dave', email: 'dave@example.com' });
    await rejects(emu.users.get({ userId: 'dave' }), 404, 'user_not_found');
    await rejects(asDave.get(), 401, 'general_unauthorized_scope');
    await rejects(new Account(emu.guestClient()).createSession({ userId: 'dave', secret: token.secret }), 401, 'user_invalid_token');
    expect([...emu.emulator.state.tokens.values()].some((t) => t.userId === 'dave')).toBe(false);
    await rejects(emu.users.delete({ userId: 'dave' }), 404, 'user_not_found');
  });

  it('refuses an API key without the route\'s scope with 401 general_unauthorized_scope', async () => {
    const ro = new Users(new Client().setEndpoint(emu.endpoint).setProject(emu.projectId).setKey(emu.emulator.createApiKey('ro', ['users.read'])));
    await rejects(ro.create({ userId: 'eve' }), 401, 'general_unauthorized_scope');
    await rejects(ro.updateLabels({ userId: 'alice', labels: ['x'] }), 401, 'general_unauthorized_scope');
    expect((await ro.get({ userId: 'alice' })).$id).toBe('alice');
    await rejects(new Users(emu.guestClient()).list(), 401, 'general_unauthorized_scope');
  });
});

describe('users: sessions, tokens, JWTs, logs', () => {
  it('creates server sessions with their secret, lists and deletes them', async () => {
    await emu.users.create({ userId: 'frank', email: 'frank@example.com', password: 'franks password' });
    events = [];
    const s1 = await emu.users.createSession({ userId: 'frank' });
    expect(s1).toMatchObject({ userId: 'frank', provider: 'server', factors: ['server'], current: false });
    expect(s1.secret.length).toBeGreaterThan(100);
    const year = Date.parse(s1.expire) - Date.parse(s1.$createdAt);
    expect(year).toBe(31_536_000_000);
    expect(events[0]!.names).toEqual([`users.frank.sessions.${s1.$id}.create`]);
    expect(events[0]!.payload).toMatchObject({ secret: s1.secret });
    const s2 = await emu.users.createSession({ userId: 'frank' });
    const list = await emu.users.listSessions({ userId: 'frank' });
    expect(list.total).toBe(2);
    expect(list.sessions.map((s) => s.$id)).toEqual([s1.$id, s2.$id]);
    expect(list.sessions.every((s) => s.secret === '')).toBe(true);
    expect((await emu.users.listSessions({ userId: 'frank', total: false })).total).toBe(0);

    await emu.users.deleteSession({ userId: 'frank', sessionId: s1.$id });
    await rejects(emu.users.deleteSession({ userId: 'frank', sessionId: s1.$id }), 404, 'user_session_not_found');
    await rejects(new Account(emu.guestClient().setSession(s1.secret)).get(), 401, 'general_unauthorized_scope');
    expect((await new Account(emu.guestClient().setSession(s2.secret)).get()).$id).toBe('frank');
    await emu.users.createSession({ userId: 'frank' });
    events = [];
    await emu.users.deleteSessions({ userId: 'frank' });
    expect(events.map((e) => e.names[0])).toEqual(['users.frank.sessions.delete']);
    expect((await emu.users.listSessions({ userId: 'frank' })).total).toBe(0);
    await rejects(emu.users.createSession({ userId: 'nobody' }), 404, 'user_not_found');
  });

  it('creates tokens within Appwrite\'s bounds, secret shown once', async () => {
    events = [];
    const t = await emu.users.createToken({ userId: 'frank' });
    expect(t.secret).toMatch(/^[0-9a-f]{6}$/);
    expect(Date.parse(t.expire) - Date.parse(t.$createdAt)).toBe(900_000);
    expect(t.phrase).toBe('');
    expect(events[0]!.names).toEqual([`users.frank.tokens.${t.$id}.create`]);
    expect(events[0]!.payload).toMatchObject({ secret: t.secret });
    const long = await emu.users.createToken({ userId: 'frank', length: 128, expire: 60 });
    expect(long.secret).toMatch(/^[0-9a-f]{128}$/);
    expect([...emu.emulator.state.tokens.values()].some((x) => JSON.stringify(x).includes(long.secret))).toBe(false);
    await rejects(emu.users.createToken({ userId: 'frank', length: 3 }), 400, 'general_argument_invalid');
    await rejects(emu.users.createToken({ userId: 'frank', length: 129 }), 400, 'general_argument_invalid');
    await rejects(emu.users.createToken({ userId: 'frank', expire: 59 }), 400, 'general_argument_invalid');
    await rejects(emu.users.createToken({ userId: 'frank', expire: 31_536_001 }), 400, 'general_argument_invalid');
  });

  it('creates JWTs bound to a session: the most recent by default, or a named one', async () => {
    const s1 = await emu.users.createSession({ userId: 'frank' });
    const s2 = await emu.users.createSession({ userId: 'frank' });
    const recent = await emu.users.createJWT({ userId: 'frank' });
    const named = await emu.users.createJWT({ userId: 'frank', sessionId: s1.$id, duration: 60 });
    const payload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { sessionId: string; exp: number };
    expect(payload(recent.jwt).sessionId).toBe(s2.$id);
    expect(payload(named.jwt).sessionId).toBe(s1.$id);
    expect(payload(named.jwt).exp - Date.now() / 1000).toBeLessThanOrEqual(61);
    expect((await new Account(emu.guestClient().setJWT(named.jwt)).get()).$id).toBe('frank');
    await emu.users.deleteSession({ userId: 'frank', sessionId: s1.$id });
    await rejects(new Account(emu.guestClient().setJWT(named.jwt)).get(), 401, 'general_unauthorized_scope');
    expect((await new Account(emu.guestClient().setJWT(recent.jwt)).get()).$id).toBe('frank');
    await rejects(emu.users.createJWT({ userId: 'frank', sessionId: 'missing' }), 404, 'user_session_not_found');
    await rejects(emu.users.createJWT({ userId: 'frank', duration: 3601 }), 400, 'general_argument_invalid');
  });

  it('lists logs as an empty logList', async () => {
    expect(await emu.users.listLogs({ userId: 'frank' })).toEqual({ total: 0, logs: [] });
    await rejects(emu.users.listLogs({ userId: 'nobody' }), 404, 'user_not_found');
  });
});
