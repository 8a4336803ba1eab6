/**
 * Extracts from Appwrite's published OpenAPI documents (`../shared/appwrite-spec/`) the slice the
 * emulator implements: for every path under /users, /account, /tablesdb, /functions and /health,
 * each method's scope and response schema names, plus the reachable component schemas, the
 * error types and the event names. Output: `emulator/spec/appwrite-1.9.json`, committed so a
 * clone works without `shared/`.
 *
 * Usage: `npx tsx scripts/extract-appwrite-spec.ts [specDir]`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Json = Record<string, unknown>;
const specDir = resolve(process.argv[2] ?? join(import.meta.dirname, '../../shared/appwrite-spec'));
const PREFIXES = ['/users', '/account', '/tablesdb', '/functions', '/health'];
const read = (f: string) => JSON.parse(readFileSync(join(specDir, f), 'utf8')) as Json;

interface Operation { scope: string[]; responses: Record<string, string[] | null>; params: string[] }
const operations: Record<string, Record<string, Operation>> = {};
const schemas: Json = {};

function collectRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) for (const n of node) collectRefs(n, into);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') into.add(v.split('/').pop()!);
      else collectRefs(v, into);
    }
  }
}

for (const file of ['open-api3-1.8.x-server.json', 'open-api3-1.8.x-client.json']) {
  const doc = read(file);
  const comps = (doc.components as { schemas: Json }).schemas;
  const wanted = new Set<string>();
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Json>)) {
    if (!PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) continue;
    for (const [method, op] of Object.entries(methods as Record<string, Json>)) {
      const responses: Record<string, string[] | null> = {};
      for (const [status, r] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
        const refs = new Set<string>();
        collectRefs(r, refs);
        responses[status] = refs.size ? [...refs] : null;
        refs.forEach((x) => wanted.add(x));
      }
      const xa = (op['x-appwrite'] ?? {}) as { scope?: string | string[]; methods?: { responses?: { code: number; model?: string }[] }[] };
      // Multiplexed operations (createRow / createRows share a path) list each method's model here.
      for (const m of xa.methods ?? []) {
        for (const r of m.responses ?? []) {
          if (!r.model) continue;
          const name = r.model.split('/').pop()!;
          const list = (responses[String(r.code)] ??= []);
          if (!list.includes(name)) list.push(name);
          wanted.add(name);
        }
      }
      const scope = xa.scope === undefined ? [] : Array.isArray(xa.scope) ? xa.scope : [xa.scope];
      const params = ((op.parameters ?? []) as { name: string }[]).map((p) => p.name);
      const key = `${method.toUpperCase()} ${path}`;
      operations[key] ??= {};
      operations[key]![file.includes('server') ? 'server' : 'client'] = { scope, responses, params };
    }
  }
  const queue = [...wanted];
  while (queue.length) {
    const name = queue.pop()!;
    if (schemas[name] !== undefined) continue;
    schemas[name] = comps[name];
    const refs = new Set<string>();
    collectRefs(comps[name], refs);
    queue.push(...refs);
  }
}

const out = {
  source: 'Extracted from Appwrite open-api3-1.8.x-{server,client}.json, error-types-1.9.json, events-1.9.json',
  errorTypes: (read('error-types-1.9.json') as { types: Json }).types,
  events: (read('events-1.9.json') as { events: string[] }).events,
  operations,
  schemas,
};
writeFileSync(join(import.meta.dirname, '../emulator/spec/appwrite-1.9.json'), `${JSON.stringify(out, null, 1)}\n`);
console.log(`operations: ${Object.keys(operations).length}, schemas: ${Object.keys(schemas).length}`);
