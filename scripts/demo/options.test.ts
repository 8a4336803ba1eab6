/**
 * `npm run demo` finds the stack where `npm start` puts it, from the same configuration keys,
 * and refuses bad input with the usage text (exit 2 in the CLI).
 */
import { describe, expect, it } from 'vitest';
import { DemoSetupError } from './errors.js';
import { parseDemoArgs } from './options.js';

describe('parseDemoArgs', () => {
  it('defaults to the addresses `npm start` uses with no configuration', () => {
    expect(parseDemoArgs([], {})).toEqual({
      gateway: 'http://127.0.0.1:8080',
      appwrite: 'http://127.0.0.1:8090/v1',
      projectId: 'tillgate',
      databaseId: 'pos',
      loginsFile: '.data/demo-logins.json',
      exportDir: '.data',
      short: false,
    });
  });

  it('follows HOST, PORT, EMULATOR_PORT, APPWRITE_PROJECT_ID and APPWRITE_ENDPOINT; a wildcard bind address means this machine', () => {
    const o = parseDemoArgs([], { HOST: '0.0.0.0', PORT: '9000', EMULATOR_PORT: '9100', APPWRITE_PROJECT_ID: 'shop', APPWRITE_DATABASE_ID: 'tills' });
    expect(o).toMatchObject({ gateway: 'http://127.0.0.1:9000', appwrite: 'http://127.0.0.1:9100/v1', projectId: 'shop', databaseId: 'tills' });
    expect(parseDemoArgs([], { APPWRITE_ENDPOINT: 'https://appwrite.example.com/v1', APPWRITE_API_KEY: 'k' })).toMatchObject({ appwrite: 'https://appwrite.example.com/v1' });
  });

  it('lets flags override the configuration', () => {
    const o = parseDemoArgs(['--gateway', 'http://10.0.0.5:8080/', '--appwrite', 'http://10.0.0.5:8090/v1', '--project', 'p2', '--logins', 'elsewhere.json', '--short'], { PORT: '1' });
    expect(o).toMatchObject({ gateway: 'http://10.0.0.5:8080', appwrite: 'http://10.0.0.5:8090/v1', projectId: 'p2', loginsFile: 'elsewhere.json', short: true });
    expect(parseDemoArgs(['--help'], {})).toBe('help');
  });

  it('refuses an unknown flag, a URL that is not http(s) and an invalid variable, with the reason', () => {
    expect(() => parseDemoArgs(['--gatway', 'http://x'], {})).toThrow(DemoSetupError);
    expect(() => parseDemoArgs(['--gatway', 'http://x'], {})).toThrow(/Unknown option '--gatway'[\s\S]*Usage: npm run demo/);
    expect(() => parseDemoArgs(['--gateway', 'localhost:8080'], {})).toThrow(/--gateway must be an http\(s\) URL/);
    expect(() => parseDemoArgs(['--appwrite', 'ftp://host/v1'], {})).toThrow(/--appwrite must be an http\(s\) URL/);
    expect(() => parseDemoArgs([], { PORT: 'eighty' })).toThrow(/PORT/);
  });
});
