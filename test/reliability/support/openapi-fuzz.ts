/**
 * Bad-input generators for the gateway, driven by its own OpenAPI 3.1 document
 * (`/api/openapi.json`): every documented operation is fuzzed, so a new route is covered without
 * touching this file. fast-check arbitraries build, per operation:
 * - the caller: anonymous, a valid JWT of a cashier, manager or admin, a terminal credential, or
 *   garbage, tampered and duplicated `Authorization` headers;
 * - path parameters: schema-valid ids, ids of real records, and odd characters (`..`, encoded
 *   slashes, NUL, malformed percent escapes, unicode, 10,000-character values);
 * - query strings: valid, wrong-typed, repeated and unknown keys, prototype-pollution keys;
 * - bodies: schema-valid, schema-valid with one field broken (wrong type, huge string, unicode,
 *   missing, `__proto__` / `constructor`), random JSON, malformed JSON, non-JSON, oversized;
 * - headers: Content-Type mismatches and duplicates, bogus Content-Encoding, garbage request ids,
 *   approval tokens and terminal headers.
 * Headers and paths stay within what an HTTP/1.1 client can send (latin-1 header values, no raw
 * spaces in the target, headers under Node's 16 KiB limit): framing errors never reach the app and
 * are covered separately.
 * @module
 */
import fc from 'fast-check';

/** The subset of JSON Schema (OpenAPI 3.1) the gateway's zod schemas produce. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: OpenApiParameter[]; requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> }; 'x-tillgate-access'?: string }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** One documented operation. */
export interface Operation {
  method: string;
  /** OpenAPI path template, e.g. `/api/v1/users/{id}`. */
  path: string;
  /** `x-tillgate-access`: public, session, authenticated, terminal or a permission. */
  access: string;
  params: OpenApiParameter[];
  body: JsonSchema | undefined;
}

/** Who makes the request; resolved into real credentials when the request is sent. */
export type Principal = 'cashier' | 'manager' | 'admin';
export type AuthMode =
  | { kind: 'none' }
  | { kind: 'jwt'; principal: Principal }
  | { kind: 'terminal' }
  | { kind: 'garbage'; value: string }
  | { kind: 'tampered'; principal: Principal; at: number }
  | { kind: 'duplicate'; principal: Principal; other: string }
  | { kind: 'terminal-forged'; secret: string };

/** Placeholders filled in when sending (credentials can change during a run). */
export type HeaderValue = string | { placeholder: 'terminal-header' };

export interface FuzzRequest {
  op: Operation;
  auth: AuthMode;
  method: string;
  /** Request target: path and query string, already percent-encoded (or deliberately malformed). */
  target: string;
  /** Extra headers in order; names may repeat (sent as separate header lines). */
  headers: [string, HeaderValue][];
  body: Buffer | undefined;
  /** Short label of the body strategy, for the report. */
  bodyKind: string;
}

/** Ids of real records, so that some requests get past "not found" into the handlers. */
export interface KnownIds {
  users: string[];
  terminals: string[];
  sales: string[];
  roles: string[];
  sessions: string[];
}

/** Lists every operation of the document, resolving `$ref`s of bodies. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const schema = op.requestBody?.content?.['application/json']?.schema;
      ops.push({ method: method.toUpperCase(), path, access: op['x-tillgate-access'] ?? 'public', params: op.parameters ?? [], body: schema ? resolve(doc, schema) : undefined });
    }
  }
  return ops;
}

function resolve(doc: OpenApiDocument, s: JsonSchema): JsonSchema {
  if (s.$ref) {
    const name = s.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved $ref ${s.$ref}`);
    return resolve(doc, target);
  }
  const out: JsonSchema = { ...s };
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, resolve(doc, v)]));
  if (s.items) out.items = resolve(doc, s.items);
  if (s.anyOf) out.anyOf = s.anyOf.map((x) => resolve(doc, x));
  if (s.oneOf) out.oneOf = s.oneOf.map((x) => resolve(doc, x));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values

/** Strings that break naive code: injection payloads, path tricks, odd unicode, JS built-in names. */
export const NASTY_STRINGS: readonly string[] = [
  '', ' ', '\u0000', 'null', 'undefined', 'NaN', 'Infinity', '-1', '0', '1e309', 'true', '[]', '{}',
  '%00', '%', '%zz', '../../../../etc/passwd', '..\\..\\windows\\win.ini', "' OR '1'='1", '"; DROP TABLE audit_log; --',
  '<script>alert(1)</script>', '{{7*7}}', '${jndi:ldap://x/a}', '\uD800', '\uDFFF', '\uFEFF', '\u202Eevil', '\u200B',
  '𝕏𝕪𝕫', '👩‍👩‍👧‍👦', 'ﷺ', 'Ω≈ç√∫', 'ＡＢＣ', '\r\nX-Injected: 1', 'a\nb', '\t', '$id', '*', 'label:admin',
  'Role.any()', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'x'.repeat(37), 'A'.repeat(300),
  'admin@example.com', 'superadmin', 'manager', 'sales:refund', '*:*', 'users:*', 'store-a', 'a'.repeat(64), '0'.repeat(9),
];

const hugeString = fc.oneof(
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'A'.repeat(n)),
  fc.integer({ min: 50_000, max: 200_000 }).map((n) => 'ß'.repeat(n)),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => '😀'.repeat(n)),
);
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
);

const protoObject = fc.constantFrom(
  '{"__proto__":{"isAdmin":true,"role":"superadmin"}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"prototype":{"polluted":1},"__proto__":null}',
).map((t) => JSON.parse(t) as unknown);

const deepArray = fc.integer({ min: 20, max: 200 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d)) as unknown);
const longArray = fc.integer({ min: 1_000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i));

/** A value of any JSON type that a schema rarely expects. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, -0, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, 5e-324, [], {}, [null], { '': '' }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: protoObject },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepArray },
  { weight: 1, arbitrary: longArray },
);

function types(s: JsonSchema): string[] {
  return s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
}

/** An arbitrary of values valid for `s` (as far as this subset of JSON Schema can tell). */
export function validValue(s: JsonSchema): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.anyOf ?? s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf)!.map(validValue));
  const t = types(s);
  const options: fc.Arbitrary<unknown>[] = [];
  if (t.includes('null')) options.push(fc.constant(null));
  if (t.includes('string')) options.push(stringFor(s));
  if (t.includes('integer')) options.push(fc.integer({ min: s.minimum ?? -1_000_000, max: Math.min(s.maximum ?? 1_000_000, 2 ** 31 - 1) }));
  if (t.includes('number')) options.push(fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true }));
  if (t.includes('boolean')) options.push(fc.boolean());
  if (t.includes('array')) options.push(fc.array(validValue(s.items ?? {}), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) }));
  if (t.includes('object') || s.properties) options.push(objectFor(s));
  if (options.length === 0) return fc.jsonValue({ maxDepth: 2 });
  return options.length === 1 ? options[0]! : fc.oneof(...options);
}

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
  if (s.format === 'email') return fc.emailAddress().filter((e) => e.length <= (s.maxLength ?? 320));
  if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 64) });
}

function objectFor(s: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validValue(v)]));
  return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A value valid for `s` except in one place: a field of the wrong type, missing, or an extra key. */
export function brokenValue(s: JsonSchema): fc.Arbitrary<unknown> {
  const props = Object.keys(s.properties ?? {});
  if (props.length === 0) return nastyValue;
  return fc.tuple(objectFor(s), fc.constantFrom(...props), fc.nat(3), nastyValue, fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', '$id', '')).map(([obj, key, how, bad, extraKey]) => {
    const out: Record<string, unknown> = { ...obj };
    if (how === 0) out[key] = bad;
    else if (how === 1) delete out[key];
    else if (how === 2) Object.defineProperty(out, extraKey, { value: bad, enumerable: true, configurable: true, writable: true });
    else {
      // A nested schema (bulk users, arrays): break one element.
      const items = s.properties![key]!.items;
      out[key] = items ? [bad, ...(Array.isArray(out[key]) ? (out[key] as unknown[]) : [])] : bad;
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Bodies

interface Body {
  body: Buffer | undefined;
  kind: string;
}

const json = (kind: string) => (v: unknown): Body => ({ body: Buffer.from(JSON.stringify(v) ?? 'null'), kind });

const malformedJson = fc.oneof(
  fc.constantFrom('{', '}', '[', '{"a":', '{"a":1,}', "{'a':1}", '{"a":NaN}', '{"a":Infinity}', '{"a":01}', '{"a":1}{"b":2}', '// comment\n{}', '\uFEFF{}', '{"\\ud800":1}', '{"a":"\\x41"}', 'undefined', 'nul', '"', '{"a":"b\n"}', ' '),
  fc.string({ unit: 'binary', maxLength: 200 }),
).map((t): Body => ({ body: Buffer.from(t), kind: 'malformed-json' }));

const protoBody = fc.constantFrom(
  '{"__proto__":{"isAdmin":true},"email":"a@b.co","password":"x"}',
  '{"constructor":{"prototype":{"role":"superadmin"}}}',
  '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
  '{"users":[{"__proto__":{"role":"superadmin"}}]}',
  '{"pin":"1234","__proto__":{"staffId":"x"}}',
).map((t): Body => ({ body: Buffer.from(t), kind: 'proto-pollution' }));

/** Deeply nested JSON text (built as text: serializing such a value would overflow the test's own stack). */
const deepJson = fc.tuple(fc.integer({ min: 1_000, max: 20_000 }), fc.boolean()).map(([d, arr]): Body => ({ body: Buffer.from(arr ? '['.repeat(d) + ']'.repeat(d) : '{"a":'.repeat(d) + '1' + '}'.repeat(d)), kind: 'deep-json' }));

const binaryBody = fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((b): Body => ({ body: Buffer.from(b), kind: 'binary' }));

/** Bodies larger than `limit` bytes (valid JSON, so only the size is wrong). */
const oversized = (limit: number) => fc.integer({ min: limit + 1, max: limit + 200_000 }).map((n): Body => ({ body: Buffer.from(JSON.stringify({ pad: 'x'.repeat(n) })), kind: 'oversized' }));

function bodyFor(op: Operation, bodyLimit: number): fc.Arbitrary<Body> {
  const s = op.body;
  const common: fc.WeightedArbitrary<Body>[] = [
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json('random-json')) },
    { weight: 2, arbitrary: malformedJson },
    { weight: 1, arbitrary: protoBody },
    { weight: 1, arbitrary: binaryBody },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: nastyValue.map(json('nasty-value')) },
    { weight: 1, arbitrary: fc.constant<Body>({ body: undefined, kind: 'none' }) },
    { weight: 1, arbitrary: oversized(bodyLimit) },
  ];
  if (!s) return fc.oneof({ weight: 8, arbitrary: fc.constant<Body>({ body: undefined, kind: 'none' }) }, ...common);
  return fc.oneof(
    { weight: 4, arbitrary: validValue(s).map(json('valid')) },
    { weight: 8, arbitrary: brokenValue(s).map(json('broken-field')) },
    ...common,
  );
}

// ---------------------------------------------------------------------------------------------
// Path, query, headers

/** Raw path-segment values; those starting with `raw:` are inserted without encoding. */
const oddSegment = fc.oneof(
  fc.constantFrom('raw:..', 'raw:.', 'raw:%2F', 'raw:%2e%2e%2f', 'raw:a%2Fb', 'raw:%00', 'raw:%', 'raw:%zz', 'raw:%E0%A4%A', 'raw:%C0%AF', 'raw:%uFFFF', 'raw:~', "raw:'", 'raw:;x=1', 'raw:*', 'raw:$', 'raw:', 'raw:%20', 'raw:%0d%0a'),
  nastyString.map((v) => v.slice(0, 12_000)),
);

function paramValue(p: OpenApiParameter, known: KnownIds): fc.Arbitrary<string> {
  const knownIds = p.in === 'path' ? knownFor(p.name, known) : [];
  const valid = validValue(p.schema ?? { type: 'string' }).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: knownIds.length ? 3 : 0, arbitrary: knownIds.length ? fc.constantFrom(...knownIds) : fc.constant('x') },
    { weight: 4, arbitrary: oddSegment },
  );
}

function knownFor(name: string, known: KnownIds): string[] {
  if (name === 'sessionId') return known.sessions;
  if (name === 'name') return known.roles;
  return [...known.users, ...known.terminals, ...known.sales, 'current'];
}

/**
 * Percent-encodes `v` as UTF-8 like encodeURIComponent, except that a lone surrogate is sent as
 * its WTF-8 bytes (e.g. `%ED%A0%80`, invalid UTF-8) instead of throwing. `raw:` values go as is.
 */
function enc(v: string): string {
  if (v.startsWith('raw:')) return v.slice(4);
  let out = '';
  for (const ch of v) {
    if (/^[A-Za-z0-9\-_.!~*'()]$/.test(ch)) out += ch;
    else {
      const cp = ch.codePointAt(0)!;
      const bytes = cp >= 0xd800 && cp <= 0xdfff ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)] : [...Buffer.from(ch, 'utf8')];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    }
  }
  return out;
}

/** Longest request target generated, characters (Node refuses request heads over 16 KiB with a bare 431; headers here stay under 10 KiB). */
const MAX_TARGET = 6_000;

function targetFor(op: Operation, known: KnownIds): fc.Arbitrary<string> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const pathArb = fc.tuple(...pathParams.map((p) => paramValue(p, known))).map((values) => {
    let path = op.path;
    pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, enc(values[i]!).slice(0, MAX_TARGET / 2))));
    return path;
  });
  const queryEntry = (p: OpenApiParameter) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<[string, string][]>([]) },
      { weight: 3, arbitrary: paramValue(p, known).map((v): [string, string][] => [[p.name, v]]) },
      { weight: 1, arbitrary: fc.tuple(paramValue(p, known), paramValue(p, known)).map(([a, b]): [string, string][] => [[p.name, a], [p.name, b]]) },
      { weight: 1, arbitrary: fc.constant<[string, string][]>([[`${p.name}[]`, '1'], [`${p.name}[a]`, '2']]) },
    );
  const extra = fc.oneof(
    { weight: 6, arbitrary: fc.constant<[string, string][]>([]) },
    { weight: 1, arbitrary: fc.constantFrom<[string, string][]>([['__proto__[isAdmin]', 'true']], [['constructor[prototype][x]', '1']], [['__proto__', 'x']], [['raw:%zz', 'raw:%']], [['a', 'raw:%E0%A4%A']], [['', '']]) },
    { weight: 1, arbitrary: fc.tuple(nastyString, nastyString).map(([k, v]): [string, string][] => [[k.slice(0, 200), v.slice(0, 2_000)]]) },
  );
  return fc.tuple(pathArb, fc.tuple(...queryParams.map(queryEntry)), extra, fc.constantFrom('', '', '', '', '', '/', '?')).map(([path, entries, more, tail]) => {
    const pairs = [...entries.flat(), ...more];
    // Node's parser refuses request heads over 16 KiB (431, before the app): stay below.
    const q = pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&').slice(0, Math.max(0, MAX_TARGET - path.length));
    if (tail === '/') return `${path}/${q ? `?${q}` : ''}`;
    if (tail === '?') return `${path}?${q}&`;
    return q ? `${path}?${q}` : path;
  });
}

/** Header-safe garbage: latin-1 printable, at most `max` characters. */
const headerGarbage = (max = 200) => fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: max });

function authFor(op: Operation): fc.Arbitrary<AuthMode> {
  const principal = fc.constantFrom<Principal>('cashier', 'manager', 'admin');
  const garbage = fc.oneof(
    fc.constantFrom('Bearer', 'Bearer ', 'Bearer  ', 'bearer x.y.z', 'Basic YWRtaW46YWRtaW4=', 'Terminal', 'Terminal :', 'Terminal a:b', 'Terminal ../../:x', 'Digest x', 'Bearer eyJhbGciOiJub25lIn0.eyJ1c2VySWQiOiJhZG1pbiJ9.', 'Bearer null', 'Bearer undefined', `Bearer ${'a'.repeat(4_000)}`),
    headerGarbage(300),
    headerGarbage(300).map((g) => `Bearer ${g}`),
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant<AuthMode>({ kind: 'none' }) },
    { weight: 9, arbitrary: principal.map((p): AuthMode => ({ kind: 'jwt', principal: p })) },
    { weight: op.access === 'terminal' ? 6 : 1, arbitrary: fc.constant<AuthMode>({ kind: 'terminal' }) },
    { weight: 2, arbitrary: garbage.map((value): AuthMode => ({ kind: 'garbage', value })) },
    { weight: 1, arbitrary: fc.tuple(principal, fc.nat()).map(([p, at]): AuthMode => ({ kind: 'tampered', principal: p, at })) },
    { weight: 1, arbitrary: fc.tuple(principal, garbage).map(([p, other]): AuthMode => ({ kind: 'duplicate', principal: p, other })) },
    { weight: op.access === 'terminal' ? 2 : 0, arbitrary: headerGarbage(80).map((secret): AuthMode => ({ kind: 'terminal-forged', secret })) },
  );
}

const contentTypes = fc.oneof(
  { weight: 10, arbitrary: fc.constant<[string, string][]>([['content-type', 'application/json']]) },
  { weight: 2, arbitrary: fc.constant<[string, string][]>([]) },
  {
    weight: 4,
    arbitrary: fc.constantFrom<[string, string][]>(
      [['content-type', 'text/plain']],
      [['content-type', 'application/x-www-form-urlencoded']],
      [['content-type', 'multipart/form-data; boundary=xyz']],
      [['content-type', 'application/json; charset=utf-16']],
      [['content-type', 'application/json; charset']],
      [['content-type', 'application/jsonx']],
      [['content-type', 'APPLICATION/JSON']],
      [['content-type', 'application/vnd.api+json']],
      [['content-type', 'application/json'], ['content-type', 'text/plain']],
      [['content-type', 'text/plain'], ['content-type', 'application/json']],
      [['content-type', 'application/json, text/html']],
      [['content-type', '']],
    ),
  },
  { weight: 1, arbitrary: headerGarbage(100).map((g): [string, string][] => [['content-type', g]]) },
);

const extraHeaders = fc.array(
  fc.oneof(
    fc.constantFrom<[string, string]>(['content-encoding', 'gzip'], ['content-encoding', 'br'], ['content-encoding', 'deflate'], ['x-request-id', 'abc'], ['x-request-id', '../../x'], ['x-request-id', 'r'.repeat(1_500)], ['accept', '*/*;q=abc'], ['accept-encoding', 'gzip;q=NaN'], ['origin', 'https://evil.example'], ['x-forwarded-for', '1.2.3.4, <script>'], ['cookie', 'a=b; __proto__=x'], ['x-approval-token', 'not-a-token'], ['x-approval-token', ''], ['x-terminal', 'x:y'], ['x-http-method-override', 'DELETE'], ['range', 'bytes=0-1']),
    fc.tuple(fc.constantFrom('x-request-id', 'x-approval-token', 'x-terminal', 'accept', 'user-agent', 'x-appwrite-project', 'if-none-match'), headerGarbage(1_500)).map(([k, v]): [string, string] => [k, v]),
  ),
  { maxLength: 3 },
);

/**
 * The arbitrary of fuzzed requests for one operation.
 * @param bodyLimit the gateway's BODY_LIMIT_BYTES (oversized bodies exceed it).
 */
export function requestArbitrary(op: Operation, known: KnownIds, bodyLimit: number): fc.Arbitrary<FuzzRequest> {
  const xTerminal = op.params.some((p) => p.in === 'header' && p.name === 'x-terminal');
  const terminalHeader = fc.oneof(
    { weight: xTerminal ? 4 : 0, arbitrary: fc.constant<[string, HeaderValue][]>([['x-terminal', { placeholder: 'terminal-header' }]]) },
    { weight: 2, arbitrary: fc.constant<[string, HeaderValue][]>([]) },
    { weight: xTerminal ? 2 : 0, arbitrary: headerGarbage(300).map((g): [string, HeaderValue][] => [['x-terminal', g]]) },
  );
  return fc.record({ auth: authFor(op), target: targetFor(op, known), body: bodyFor(op, bodyLimit), ct: contentTypes, extra: extraHeaders, terminal: terminalHeader }).map(({ auth, target, body, ct, extra, terminal }) => ({
    op,
    auth,
    method: op.method,
    target,
    headers: [...(body.body === undefined && ct.length > 0 && ct[0]![1] === 'application/json' ? [] : ct), ...extra, ...terminal],
    body: body.body,
    bodyKind: body.kind,
  }));
}
