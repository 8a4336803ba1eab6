/**
 * Validates every emulator answer against Appwrite's OpenAPI response schemas
 * (`emulator/spec/appwrite-1.9.json`, extracted from the 1.8.x server and client documents).
 *
 * - The operation is found by `METHOD /route` (the server document for API-key callers, the
 *   client document for sessions, JWTs and guests, falling back to the other).
 * - Success bodies must match the schema of the answered status. Objects are closed: a property
 *   the schema does not list is a violation, except the fields Appwrite 1.9 added over the 1.8
 *   documents ({@link FIELDS_ADDED_IN_1_9}) and models that are open by design (rows, prefs).
 * - OpenAPI 3.0 `nullable` is honoured; `row.$sequence` is a string in 1.9 (an integer in 1.8).
 * - Error bodies must be `{ message, code, type, version }` with `code` = the HTTP status and a
 *   `type` Appwrite knows with that status.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { ResponseInfo } from '../../emulator/app.js';
import { spec } from '../../emulator/spec.js';

/** Properties Appwrite 1.9 returns that the 1.8.x OpenAPI documents do not list (see emulator/README.md). */
export const FIELDS_ADDED_IN_1_9: Readonly<Record<string, readonly string[]>> = {
  user: ['impersonator'],
  table: ['bytesMax', 'bytesUsed'],
  database: ['policies', 'archives'],
  function: ['runtimeSpecification', 'buildSpecification', 'deploymentRetention', 'providerBranches', 'providerPaths'],
};

/** Statuses Appwrite 1.9 answers that the 1.8 documents do not list: operation → status → schemas. */
const STATUSES_ADDED_IN_1_9: Record<string, Record<string, string[]>> = {
  // An async execution is accepted with 202 and the Execution model (status `waiting`).
  'POST /functions/{functionId}/executions': { '202': ['execution'] },
};

/** Schema changes of 1.9 over the 1.8 documents. */
const TYPE_OVERRIDES: Record<string, Record<string, unknown>> = {
  row: { $sequence: { type: 'string' } },
  document: { $sequence: { type: 'string' } },
};

type Json = Record<string, unknown>;

const ANNOTATIONS = new Set(['x-example', 'example', 'readOnly', 'format', 'description']);

function transform(name: string, node: unknown, top: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => transform(name, n, false));
  if (!node || typeof node !== 'object') return node;
  const src = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'x-example' || k === 'example') continue;
    if (ANNOTATIONS.has(k) && typeof v !== 'object') continue;
    if (k === '$ref' && typeof v === 'string') out.$ref = `appwrite#/definitions/${v.split('/').pop()}`;
    else if (k === 'properties' && v && typeof v === 'object') {
      // Property names (a column model's `format`, a user's `description`) are data, not keywords.
      out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, transform(name, s, false)]));
    } else out[k] = transform(name, v, false);
  }
  if (src.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  if (out.type === 'object' && out.items) delete out.items; // hashOptions/prefs: `items` on an object is meaningless
  if (top) {
    const props = (out.properties ?? {}) as Json;
    for (const [k, v] of Object.entries(TYPE_OVERRIDES[name] ?? {})) props[k] = v;
    for (const added of FIELDS_ADDED_IN_1_9[name] ?? []) props[added] ??= {};
    if (out.type === 'object' && out.additionalProperties === undefined && Object.keys(props).length > 0) out.additionalProperties = false;
    if (Object.keys(props).length) out.properties = props;
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(
  { $id: 'appwrite', definitions: Object.fromEntries(Object.entries(spec.schemas).map(([n, s]) => [n, transform(n, s, true)])) },
  'appwrite',
);
const validators = new Map<string, ValidateFunction>();
function validatorFor(schema: string): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    v = ajv.compile({ $ref: `appwrite#/definitions/${schema}` });
    validators.set(schema, v);
  }
  return v;
}

function checkError(where: string, status: number, body: unknown): string[] {
  if (!body || typeof body !== 'object') return [`${where}: error answer without a JSON body`];
  const b = body as Json;
  const out: string[] = [];
  const keys = Object.keys(b).sort().join(',');
  if (keys !== 'code,message,type,version') out.push(`${where}: error body has keys [${keys}], expected code,message,type,version`);
  if (b.code !== status) out.push(`${where}: error code ${String(b.code)} differs from HTTP status ${status}`);
  if (typeof b.message !== 'string') out.push(`${where}: error message is not a string`);
  const known = typeof b.type === 'string' ? spec.errorTypes[b.type] : undefined;
  if (known === undefined) out.push(`${where}: unknown error type ${String(b.type)}`);
  else if (known !== status) out.push(`${where}: error type ${String(b.type)} is ${known} in Appwrite, answered ${status}`);
  return out;
}

/** @returns human-readable violations; empty when the answer matches the contract. */
const TEMPLATES = Object.keys(spec.operations).map((key) => {
  const [method, template] = key.split(' ') as [string, string];
  const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`);
  return { key, method, re, literal: template.replace(/\{[^}]+\}/g, '').length };
});

/** The spec operation for a route pattern, or for the concrete path when the emulator's pattern is generic. */
function operationKey(info: ResponseInfo): string | undefined {
  const direct = `${info.method} ${info.route}`;
  if (spec.operations[direct]) return direct;
  const candidates = TEMPLATES.filter((t) => t.method === info.method && t.re.test(info.path));
  // The most literal template wins (`/columns/string` over `/columns/{key}`).
  return candidates.sort((a, b) => b.literal - a.literal)[0]?.key;
}

/** Real Appwrite endpoints its API documents omit, with the body they answer. */
const UNDOCUMENTED: Record<string, ValidateFunction> = {
  'GET /health/version': ajv.compile({ type: 'object', properties: { version: { type: 'string' } }, required: ['version'], additionalProperties: false }),
};

/** @returns human-readable violations; empty when the answer matches the contract. */
export function validateResponse(info: ResponseInfo): string[] {
  const where = `${info.method} ${info.route ?? '(no route)'} → ${info.status}`;
  if (info.status >= 400) return checkError(where, info.status, info.body);
  if (info.route === null) return [`${where}: a success answer outside every route`];
  const undocumented = UNDOCUMENTED[`${info.method} ${info.route}`];
  if (undocumented) return undocumented(info.body) ? [] : [`${where}: ${ajv.errorsText(undocumented.errors)}`];
  const key = operationKey(info);
  const op = key === undefined ? undefined : spec.operations[key];
  if (!op || key === undefined) return [`${where}: not an operation of Appwrite's API documents`];
  const primary = info.client ? op.client ?? op.server : op.server ?? op.client;
  const responses: Record<string, string[] | null> = { ...primary!.responses, ...STATUSES_ADDED_IN_1_9[key] };
  if (!(String(info.status) in responses)) return [`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`];
  const schemas = responses[String(info.status)];
  if (schemas === null || schemas === undefined) {
    return info.body === undefined || info.body === '' ? [] : [`${where}: documented without a body but answered one`];
  }
  if (schemas.includes('any')) return [];
  const failures: string[] = [];
  for (const schema of schemas) {
    const validate = validatorFor(schema);
    if (validate(info.body)) return [];
    failures.push(
      ...(validate.errors ?? []).map((e) => `${where}: ${schema}${e.instancePath} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`),
    );
  }
  return failures;
}
