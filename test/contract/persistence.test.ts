/**
 * Emulator persistence: state survives a restart with the same data file, a kill mid-write
 * leaves a loadable file, a corrupt file refuses to start instead of silently starting empty.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, ID, Users } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/server.js';
import { loadState } from '../../emulator/persistence.js';
import { startTestEmulator } from '../support/emulator.js';

const ROOT = resolve(import.meta.dirname, '../..');
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'tg-emu-')), 'emulator.json');

describe('emulator persistence', () => {
  it('keeps users, sessions, tables and rows across a restart', async () => {
    const dataFile = tempFile();
    const first = await startTestEmulator({ dataFile, apiKey: 'standard_persist' });
    await first.users.create({ userId: 'u1', email: 'u1@example.com', password: 'correct horse 1', name: 'One' });
    const session = await first.users.createSession({ userId: 'u1' });
    await first.tablesDB.create({ databaseId: 'pos', name: 'POS' });
    await first.tablesDB.createTable({ databaseId: 'pos', tableId: 'products', name: 'Products' });
    await first.tablesDB.createStringColumn({ databaseId: 'pos', tableId: 'products', key: 'sku', size: 32, required: true });
    const row = await first.tablesDB.createRow({ databaseId: 'pos', tableId: 'products', rowId: 'p1', data: { sku: 'A-1' } });
    await first.stop();

    const second = await startTestEmulator({ dataFile, apiKey: 'standard_persist' });
    expect((await second.users.get({ userId: 'u1' })).email).toBe('u1@example.com');
    const again = await second.tablesDB.getRow({ databaseId: 'pos', tableId: 'products', rowId: 'p1' });
    expect(again.$sequence).toBe(row.$sequence);
    expect(again.$updatedAt).toBe(row.$updatedAt);
    const { Account } = await import('node-appwrite');
    const me = await new Account(second.guestClient().setSession(session.secret)).get();
    expect(me.$id).toBe('u1');
    await second.stop();
  });

  it('ignores a stray temp file from an interrupted write', async () => {
    const dataFile = tempFile();
    const emu = await startTestEmulator({ dataFile });
    await emu.users.create({ userId: 'keep', email: 'keep@example.com' });
    await emu.stop();
    writeFileSync(join(dataFile, '..', `.emulator.json.99999.tmp`), '{"format":1,"state":{"us');
    expect((await loadState(dataFile))?.users.has('keep')).toBe(true);
  });

  it('refuses to start on a corrupt data file, naming it', async () => {
    const dataFile = tempFile();
    writeFileSync(dataFile, '{"format":1,"state":{"users":');
    await expect(startEmulator({ dataFile })).rejects.toThrow(dataFile);
  });

  it('survives SIGKILL during a stream of writes', async () => {
    const dataFile = tempFile();
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'emulator/cli.ts'), '--port', '0', '--data-file', dataFile, '--api-key', 'standard_kill'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const endpoint = await new Promise<string>((res, rej) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /endpoint: (\S+)/.exec(out);
        if (m) res(m[1]!);
      });
      child.once('exit', (code) => rej(new Error(`emulator exited early (${code})`)));
    });
    const users = new Users(new Client().setEndpoint(endpoint).setProject('tillgate').setKey('standard_kill'));
    let acknowledged = 0;
    const writer = (async () => {
      for (let i = 0; i < 10_000; i++) {
        try {
          await users.create({ userId: ID.unique(), email: `w${i}@example.com` });
          acknowledged++;
        } catch {
          return;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    await writer;
    const state = await loadState(dataFile);
    expect(state).toBeDefined();
    // Snapshots lag by at most MAX_DELAY_MS: most acknowledged writes are on disk, none is invented.
    expect(state!.users.size).toBeGreaterThan(0);
    expect(state!.users.size).toBeLessThanOrEqual(acknowledged);
    expect(JSON.parse(readFileSync(dataFile, 'utf8')).format).toBe(1);
    const restarted = await startTestEmulator({ dataFile, apiKey: 'standard_kill' });
    expect((await restarted.users.list()).total).toBe(state!.users.size);
    await restarted.stop();
  });
});
