/**
 * The demo reads the logins `npm start` wrote, and says what is wrong and what to do when it
 * cannot.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DemoSetupError } from './errors.js';
import { loadDemoLogins } from './logins.js';

const dir = mkdtempSync(join(tmpdir(), 'tillgate-demo-logins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const login = (role: string, pin: string) => ({ role, name: `Demo ${role}`, email: `${role}@demo.tillgate.local`, password: 'pw-long-enough!7', pin, userId: `u-${role}` });
const write = (name: string, content: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('loadDemoLogins', () => {
  it('returns the admin, manager and cashier and every known PIN', () => {
    const file = write('ok.json', { storeId: 'store-demo', logins: [login('superadmin', '610384'), login('admin', '154801'), login('manager', '564285'), login('cashier', '072476')], terminal: { terminalId: 't', enrollmentCode: 'X', expiresAt: 'y' } });
    const l = loadDemoLogins(file);
    expect([l.storeId, l.admin.userId, l.manager.userId, l.cashier.pin]).toEqual(['store-demo', 'u-admin', 'u-manager', '072476']);
    expect([...l.knownPins].sort()).toEqual(['072476', '154801', '564285', '610384']);
  });

  it('points at `npm start` when the file is missing', () => {
    const missing = join(dir, 'nope', 'demo-logins.json');
    expect(() => loadDemoLogins(missing)).toThrow(DemoSetupError);
    expect(() => loadDemoLogins(missing)).toThrow(new RegExp(`No demo logins at ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*written by \`npm start\``));
  });

  it('names what is wrong with a file that is not a logins file or lacks a role', () => {
    expect(() => loadDemoLogins(write('broken.json', '{ not json'))).toThrow(/Cannot read the demo logins/);
    expect(() => loadDemoLogins(write('shape.json', { logins: [] }))).toThrow(/not a demo logins file written by `npm start`: storeId/);
    expect(() => loadDemoLogins(write('roles.json', { storeId: 's', logins: [login('admin', '154801')] }))).toThrow(/has no manager, cashier login/);
  });
});
