/**
 * The dependency rule of DESIGN.md as a pure predicate over one import edge, so that the
 * architecture test can prove it rejects each forbidden edge on a fixture.
 */
export interface ImportEdge {
  /** Importing file, relative to the repository root, `/`-separated. */
  from: string;
  /** The specifier as written. */
  spec: string;
  /** For relative specifiers the resolved repo-relative path, else the package name. */
  target: string;
  relative: boolean;
}

const CORE_ALLOWED_PACKAGES = ['zod', 'node:crypto', 'node:util', 'node:buffer'];
const EMULATOR_USERS = ['test/', 'scripts/', 'bench/', 'emulator/'];

const top = (p: string) => p.split('/')[0] ?? '';
const isPkg = (spec: string, names: string[]) =>
  names.some((n) => (n.endsWith('/') ? spec.startsWith(n) : spec === n || spec.startsWith(`${n}/`)));

/** @returns null when allowed, else the reason the edge breaks the rule. */
export function checkImport(e: ImportEdge): string | null {
  const src = top(e.from);
  if (!e.relative) {
    if (src === 'core' && !isPkg(e.spec, CORE_ALLOWED_PACKAGES)) return 'core imports only zod and pure node built-ins';
    if (src === 'infra' && isPkg(e.spec, ['hono', '@hono/'])) return 'infra has no HTTP-framework types';
    if (src === 'collections' && !isPkg(e.spec, ['zod'])) return 'collections are declarative data';
    return null;
  }
  const dst = top(e.target);
  if (src === 'core' && dst !== 'core') return 'core imports nothing outside core';
  if (src === 'collections' && !['collections', 'core'].includes(dst)) return 'collections import only core';
  if (src === 'infra' && !['infra', 'core', 'collections'].includes(dst)) return 'infra imports only core and collections';
  if (dst === 'gateway' && src !== 'gateway' && src !== 'scripts' && src !== 'test' && src !== 'bench') {
    return 'nothing but the composition roots imports gateway/';
  }
  if (dst === 'functions' && !['functions', 'scripts', 'test', 'bench'].includes(src)) return 'nothing imports functions/';
  if (src === 'functions' && dst === 'functions') {
    const a = e.from.split('/')[1];
    const b = e.target.split('/')[1];
    if (a !== b && b !== '_runtime') return 'one function never imports another';
  }
  if (dst === 'emulator' && !EMULATOR_USERS.some((u) => e.from.startsWith(u))) {
    return 'emulator/ is imported only by tests, scripts and bench';
  }
  if (src === 'emulator' && ['gateway', 'functions'].includes(dst)) return 'the emulator knows nothing of Tillgate';
  return null;
}
