/**
 * The production compose file (issue 4 item 6): the Docker Compose CLI accepts it, every service
 * has a health check and a restart policy, secrets come only from the environment, and the
 * gateway image is multi-stage and runs as a non-root user with a health check.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');

/** `docker compose` (v2 plugin) when present, else the standalone `docker-compose`. */
function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version']).status === 0) return ['docker-compose'];
  throw new Error('Neither `docker compose` nor `docker-compose` is installed (.ci/run installs docker-compose).');
}

function filledEnvFile(): string {
  const example = readFileSync(join(ROOT, '.env.production.example'), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'tg-compose-'));
  const file = join(dir, '.env');
  writeFileSync(file, example.replace(/^([A-Z_0-9]+)=$/gm, '$1=test-value-0123456789abcdef'));
  return file;
}

function run(args: string[]) {
  const [cmd, ...rest] = composeCommand();
  return spawnSync(cmd!, [...rest, '--project-directory', ROOT, '-f', join(ROOT, 'docker-compose.yml'), ...args], { encoding: 'utf8' });
}

describe('docker-compose.yml', () => {
  it('is accepted by `compose config -q` when the secrets are set', () => {
    const r = run(['--env-file', filledEnvFile(), 'config', '-q']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses to render without the secrets (none is defaulted in the file)', () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'tg-compose-')), '.env');
    writeFileSync(empty, '');
    const r = run(['--env-file', empty, 'config', '-q']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/set [A-Z_0-9]+ in \.env/);
  });

  it('gives every service a health check and a restart policy', () => {
    const r = run(['--env-file', filledEnvFile(), 'config']);
    expect(r.status).toBe(0);
    const doc = parse(r.stdout) as { services: Record<string, { healthcheck?: { test?: unknown }; restart?: string }> };
    const names = Object.keys(doc.services);
    expect(names).toEqual(expect.arrayContaining(['appwrite', 'appwrite-realtime', 'appwrite-executor', 'appwrite-mariadb', 'tillgate-gateway', 'tillgate-mariadb', 'tillgate-redis']));
    for (const [name, svc] of Object.entries(doc.services)) {
      expect(svc.healthcheck?.test, `${name} health check`).toBeDefined();
      expect(svc.restart, `${name} restart policy`).toBe('unless-stopped');
    }
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  it('is multi-stage, non-root and health-checked', () => {
    expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK /m);
  });
});

