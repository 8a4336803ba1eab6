/**
 * Enforces the dependency rule of DESIGN.md ("Layout and dependency direction"):
 * core ← infra ← gateway, functions, scripts; nothing imports gateway/ or functions/; one
 * function never imports another; emulator/ only from tests, scripts and the embedded stack;
 * core imports only zod and node built-ins without I/O.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImport, type ImportEdge } from './support/dependency-rule.js';

const ROOT = resolve(import.meta.dirname, '..');
const SCANNED = ['core', 'infra', 'gateway', 'functions', 'collections', 'emulator', 'scripts', 'bench'];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|mts)$/.test(name) && !/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /(?:^|[^\w.])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of src.matchAll(re)) specs.push((m[1] ?? m[2])!);
  return specs;
}

function edges(): ImportEdge[] {
  const list: ImportEdge[] = [];
  for (const top of SCANNED) {
    let files: string[] = [];
    try {
      files = walk(join(ROOT, top));
    } catch {
      continue;
    }
    for (const file of files) {
      const from = relative(ROOT, file).split(sep).join('/');
      for (const spec of importsOf(file)) {
        const target = spec.startsWith('.')
          ? relative(ROOT, resolve(dirname(file), spec)).split(sep).join('/')
          : spec;
        list.push({ from, spec, target, relative: spec.startsWith('.') });
      }
    }
  }
  return list;
}

describe('dependency rule', () => {
  it('has no forbidden import anywhere in the tree', () => {
    const violations = edges()
      .map((e) => ({ e, why: checkImport(e) }))
      .filter((v) => v.why !== null)
      .map((v) => `${v.e.from} imports '${v.e.spec}': ${v.why}`);
    expect(violations).toEqual([]);
  });

  it.each<[ImportEdge, boolean]>([
    [{ from: 'core/rbac/authorize.ts', spec: 'mysql2/promise', target: 'mysql2/promise', relative: false }, false],
    [{ from: 'core/rbac/authorize.ts', spec: '../../infra/redis.js', target: 'infra/redis.js', relative: true }, false],
    [{ from: 'core/config.ts', spec: 'zod', target: 'zod', relative: false }, true],
    [{ from: 'infra/redis.ts', spec: 'hono', target: 'hono', relative: false }, false],
    [{ from: 'infra/redis.ts', spec: '../gateway/app.js', target: 'gateway/app.js', relative: true }, false],
    [{ from: 'functions/mirror/handler.ts', spec: '../audit/handler.js', target: 'functions/audit/handler.js', relative: true }, false],
    [{ from: 'functions/mirror/handler.ts', spec: '../_runtime/define-function.js', target: 'functions/_runtime/define-function.js', relative: true }, true],
    [{ from: 'gateway/app.ts', spec: '../emulator/server.js', target: 'emulator/server.js', relative: true }, false],
    [{ from: 'scripts/start.ts', spec: '../emulator/server.js', target: 'emulator/server.js', relative: true }, true],
    [{ from: 'scripts/start.ts', spec: '../gateway/app.js', target: 'gateway/app.js', relative: true }, true],
    [{ from: 'emulator/server.ts', spec: '../infra/logger.js', target: 'infra/logger.js', relative: true }, true],
    [{ from: 'emulator/server.ts', spec: '../gateway/app.js', target: 'gateway/app.js', relative: true }, false],
  ])('judges %o as allowed=%s', (edge, allowed) => {
    expect(checkImport(edge) === null).toBe(allowed);
  });
});
