import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, parseConfig } from './config.js';
import { ConfigError } from './errors.js';

function readEnvExample(): Record<string, string> {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

describe('parseConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.PIN_BCRYPT_COST).toBe(10);
    expect(c.LOGIN_MAX_FAILURES).toBe(5);
    expect(c.MARIADB_URL).toBe('mysql://root@127.0.0.1:3306/tillgate');
    expect(c.APPWRITE_ENDPOINT).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reports every bad key at once and never echoes a value', () => {
    let err: unknown;
    try {
      parseConfig({ PORT: 'eighty', PIN_BCRYPT_COST: '99', REDIS_URL: 'http://nope', PIN_PEPPER: 'short-secret-value' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues.join('\n');
    for (const key of ['PORT', 'PIN_BCRYPT_COST', 'REDIS_URL', 'PIN_PEPPER']) expect(issues).toContain(key);
    expect((err as ConfigError).message).not.toContain('short-secret-value');
  });

  it('requires an API key with a real Appwrite endpoint, and secrets in production', () => {
    expect(() => parseConfig({ APPWRITE_ENDPOINT: 'https://appwrite.example/v1' })).toThrow(/APPWRITE_API_KEY/);
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/PIN_PEPPER[\s\S]*AUDIT_CHECKPOINT_KEY/);
  });

  it('treats empty strings as unset and parses lists', () => {
    const c = parseConfig({ PORT: '', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(c.PORT).toBe(8080);
    expect(c.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });
});

describe('.env.example', () => {
  const example = readEnvExample();

  it('names exactly the variables of the schema', () => {
    expect(Object.keys(example).sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('parses as a valid configuration', () => {
    expect(() => parseConfig(example)).not.toThrow();
  });
});
