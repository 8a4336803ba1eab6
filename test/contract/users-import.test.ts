import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bcrypt from 'bcryptjs';
import { argon2id } from 'hash-wasm';
import { Account, AppwriteException, PasswordHash } from 'node-appwrite';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

let emu: TestEmulator;

const hex = (algo: string, s: string) => createHash(algo).update(s).digest('hex');
const login = (email: string, password: string) => new Account(emu.guestClient()).createEmailPasswordSession({ email, password });

async function loginFails(email: string, password: string): Promise<void> {
  const err = await login(email, password).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppwriteException);
  expect({ code: (err as AppwriteException).code, type: (err as AppwriteException).type }).toEqual({ code: 401, type: 'user_invalid_credentials' });
}

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.stop();
});

describe('users: legacy password imports log in with the original password', () => {
  it('SHA-1 (Sakila) and the other SHA versions', async () => {
    const cases: [PasswordHash, string][] = [
      [PasswordHash.Sha1, 'sha1'],
      [PasswordHash.Sha256, 'sha256'],
      [PasswordHash.Sha512, 'sha512'],
      [PasswordHash.Sha512256, 'sha512-256'],
      [PasswordHash.Sha3256, 'sha3-256'],
      [PasswordHash.Sha3512, 'sha3-512'],
    ];
    for (const [version, nodeAlgo] of cases) {
      const id = `sha_${nodeAlgo.replace(/[^a-z0-9]/g, '')}`;
      const email = `${id}@example.com`;
      const user = await emu.users.createSHAUser({ userId: id, email, password: hex(nodeAlgo, 'sakila-pass'), passwordVersion: version });
      expect(user).toMatchObject({ hash: 'sha', hashOptions: { type: 'sha', version } });
      expect((await login(email, 'sakila-pass')).userId).toBe(id);
      await loginFails(email, 'Sakila-pass');
    }
    // Appwrite keeps the imported hash after a successful login.
    expect((await emu.users.get({ userId: 'sha_sha1' })).password).toBe(hex('sha1', 'sakila-pass'));
  });

  it('rejects an unknown passwordVersion and a missing email', async () => {
    const res = await fetch(`${emu.endpoint}/users/sha`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': emu.projectId, 'x-appwrite-key': emu.apiKey },
      body: JSON.stringify({ userId: 'shaX', email: 'shax@example.com', password: hex('md5', 'x'), passwordVersion: 'sha999' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'general_argument_invalid', code: 400 });
    const noEmail = await fetch(`${emu.endpoint}/users/md5`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': emu.projectId, 'x-appwrite-key': emu.apiKey },
      body: JSON.stringify({ userId: 'md5X', password: hex('md5', 'x') }),
    });
    expect(noEmail.status).toBe(400);
  });

  it('bcrypt ($2a$/$2b$ and PHP\'s $2y$)', async () => {
    const hash = bcrypt.hashSync('bcrypt-pass', 4);
    const user = await emu.users.createBcryptUser({ userId: 'bc1', email: 'bc1@example.com', password: hash, name: 'B' });
    expect(user).toMatchObject({ hash: 'bcrypt', password: hash, name: 'B' });
    expect((await login('bc1@example.com', 'bcrypt-pass')).userId).toBe('bc1');
    await loginFails('bc1@example.com', 'bcrypt-pass2');
    await emu.users.createBcryptUser({ userId: 'bc2', email: 'bc2@example.com', password: `$2y$${hash.slice(4)}` });
    expect((await login('bc2@example.com', 'bcrypt-pass')).userId).toBe('bc2');
    await loginFails('bc2@example.com', 'wrong');
  });

  it('argon2 with its own parameters', async () => {
    const hash = await argon2id({ password: 'argon-pass', salt: 'somesaltsomesalt', parallelism: 1, iterations: 2, memorySize: 1024, hashLength: 32, outputType: 'encoded' });
    const user = await emu.users.createArgon2User({ userId: 'ar1', email: 'ar1@example.com', password: hash });
    expect(user).toMatchObject({ hash: 'argon2', password: hash });
    expect((await login('ar1@example.com', 'argon-pass')).userId).toBe('ar1');
    await loginFails('ar1@example.com', 'argon-pas');
  });

  it('MD5', async () => {
    await emu.users.createMD5User({ userId: 'md1', email: 'md1@example.com', password: hex('md5', 'md5-pass') });
    expect((await login('md1@example.com', 'md5-pass')).userId).toBe('md1');
    await loginFails('md1@example.com', 'md5-pas');
  });

  it('PHPass portable hashes (WordPress/phpBB)', async () => {
    // The reference vector of phpass's own test suite: "test12345".
    await emu.users.createPHPassUser({ userId: 'ph1', email: 'ph1@example.com', password: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0' });
    expect((await login('ph1@example.com', 'test12345')).userId).toBe('ph1');
    await loginFails('ph1@example.com', 'test12346');
  });

  it('import of an existing id or email answers 409 user_already_exists', async () => {
    const err = await emu.users.createMD5User({ userId: 'md1', email: 'new@example.com', password: hex('md5', 'x') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 409, type: 'user_already_exists' });
    const err2 = await emu.users.createMD5User({ userId: 'md2', email: 'MD1@example.com', password: hex('md5', 'x') }).catch((e: unknown) => e);
    expect(err2).toMatchObject({ code: 409, type: 'user_already_exists' });
  });
});
