/**
 * Request header reads and answers that stay on @hono/node-server's fast path.
 *
 * @hono/node-server answers a request cheaply when the handler's Response was built from a
 * string body and a plain header object and nothing touched it afterwards: it then writes status,
 * headers and body straight to Node's `ServerResponse`. Three things throw that away, and the
 * gateway used to do all three on every request (measured with `--cpu-prof` under autocannon:
 * undici `Headers`, `Response` and web streams were a quarter of the CPU of `GET /auth/me`):
 * - reading a request header through `c.req.header()` builds an undici `Headers` of the whole
 *   request; {@link requestHeader} reads Node's parsed headers instead;
 * - `c.header()` before the handler makes every answer carry an undici `Headers`;
 * - touching `c.res` before the handler, or `c.header()` after it (Hono's `cors()` does both),
 *   turns the answer into a full web `Response` with a `ReadableStream` body.
 * So every answer's headers are collected in one plain object per request, the *header bag*
 * (`c.var.headers`, filled by the front door and by {@link setHeader}), and
 * {@link replyJson} builds the answer from it. Answers built any other way (`c.json`, `c.body`)
 * still get every bag header: the front door copies them over afterwards (slower path,
 * same headers).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import type { GatewayEnv } from './env.js';

/** Response header name → value for one request (canonical capitalization, e.g. `Retry-After`). */
export type HeaderBag = Record<string, string>;

/** What `c.json(body, status)` returns, so typed OpenAPI handlers can return a {@link replyJson}. */
export type JsonReply<T, S extends ContentfulStatusCode> = Response & TypedResponse<JSONParsed<T>, S, 'json'>;

function incomingOf(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}

/**
 * A request header by lower-case `name`, with the Fetch API's semantics (every value of a repeated
 * header joined by `, `; undefined when absent), read from Node's raw header list rather than
 * through `c.req.header()`, which would build an undici `Headers` of the whole request.
 * Falls back to `c.req.header()` outside @hono/node-server (e.g. `app.request()` in tests).
 * Unlike Node's `incoming.headers`, a repeated `Authorization` is not reduced to its first value.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = incomingOf(c);
  if (!incoming) return c.req.header(name);
  const raw = incoming.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length === name.length && (key === name || key.toLowerCase() === name)) value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/** Sets a response header for the current request, whatever builds the answer. */
export function setHeader(c: Context<GatewayEnv>, name: string, value: string): void {
  const bag = c.get('headers');
  if (bag) bag[name] = value;
  else c.header(name, value);
}

/**
 * A JSON answer carrying the request's header bag, on the fast path. `json` is the serialized
 * body (handlers that cache a serialization pass it directly).
 */
export function replyJsonText<T, S extends ContentfulStatusCode>(c: Context<GatewayEnv>, json: string, status: S): JsonReply<T, S> {
  const bag = c.get('headers');
  if (!bag) return c.body(json, status, { 'Content-Type': 'application/json' }) as unknown as JsonReply<T, S>;
  bag['Content-Type'] = 'application/json';
  // The bag itself becomes the answer's header object: nothing writes to it after this point
  // (the front door only reads it), so no copy is needed.
  const res = new Response(json, { status, headers: bag });
  c.set('reply', res);
  return res as JsonReply<T, S>;
}

/** `c.json(body, status)` on the fast path: `Content-Type: application/json`, every bag header. */
export function replyJson<T, S extends ContentfulStatusCode>(c: Context<GatewayEnv>, body: T, status: S): JsonReply<T, S> {
  return replyJsonText<T, S>(c, JSON.stringify(body), status);
}

/**
 * Copies the bag onto an answer that was not built by {@link replyJson} (`c.json`, `c.body`,
 * `c.text`, Swagger UI...). Headers the answer already has win, as they did when the bag was
 * set with `c.header()` before the handler; `Vary` is appended to, as Hono's `cors()` does.
 */
export function applyHeaderBag(res: Response, bag: HeaderBag): void {
  const headers = res.headers;
  for (const name in bag) {
    if (name === 'Content-Type') continue;
    const value = bag[name]!;
    if (name === 'Vary') {
      const current = headers.get('vary');
      if (!current) headers.set('Vary', value);
      else if (!current.split(',').some((v) => v.trim().toLowerCase() === value.toLowerCase())) headers.set('Vary', `${current}, ${value}`);
    } else if (!headers.has(name)) headers.set(name, value);
  }
}
