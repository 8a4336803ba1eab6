/**
 * A small client for the Tillgate gateway as the POS app calls it: JSON over `fetch`, the
 * caller's credential (`Authorization: Bearer <Appwrite JWT>` or `Terminal <id>:<secret>`), and
 * the common error envelope `{ error: { code, message, requestId, details? } }` (core/errors.ts).
 * {@link expectAnswer} turns an answer the shift did not expect into a {@link DemoFailure}.
 * @module
 */
import { DemoFailure, DemoSetupError } from './errors.js';

/** One gateway answer: status, headers and the parsed JSON body (`{ text }` for other bodies). */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  /** The raw body text (CSV and JSON Lines exports). */
  text: string;
}

/** The gateway's error envelope, when the answer carries one. */
export interface ErrorEnvelope {
  error?: { code?: string; message?: string; requestId?: string };
}

export interface RequestOptions {
  /** Appwrite JWT of a user: `Authorization: Bearer <jwt>`. */
  jwt?: string;
  /** A terminal credential `<terminalId>:<secret>`: `Authorization: Terminal <credential>`. */
  terminal?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** How long one gateway request may take before the demo gives up, ms. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** A gateway client bound to a base URL such as `http://127.0.0.1:8080`. */
export class GatewayClient {
  /** Number of requests sent (for the summary). */
  requests = 0;

  constructor(readonly baseUrl: string) {}

  /**
   * Sends one request to `path` (e.g. `/api/v1/auth/me`).
   * @throws DemoSetupError when the gateway cannot be reached (refused, timed out).
   */
  async request<T = Record<string, unknown>>(method: string, path: string, o: RequestOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { 'user-agent': 'tillgate-demo', ...o.headers };
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    if (o.jwt) headers.authorization = `Bearer ${o.jwt}`;
    else if (o.terminal) headers.authorization = `Terminal ${o.terminal}`;
    this.requests++;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      throw new DemoSetupError(unreachable('the Tillgate gateway', this.baseUrl, e));
    }
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
    let body: unknown = text ? { text } : {};
    if (isJson && text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = { text };
      }
    }
    return { status: res.status, headers: res.headers, body: body as T, text };
  }
}

/** "Cannot reach X at URL (cause)" with the hint to start the stack. */
export function unreachable(what: string, url: string, e: unknown): string {
  return `Cannot reach ${what} at ${url} (${causeOf(e)}).\nIs the stack running? Start it with \`npm start\` in another terminal (from the repository folder), wait for "Tillgate is running", then run \`npm run demo\` again. If it runs elsewhere, pass --gateway URL and --appwrite URL (the addresses its banner prints).`;
}

function causeOf(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'no answer within the timeout';
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
}

/** `403 INSUFFICIENT_PERMISSIONS: Requires … (request r-…)` for an answer. */
export function describeAnswer(a: ApiAnswer<unknown>): string {
  const env = (a.body ?? {}) as ErrorEnvelope;
  if (env.error) return `${a.status} ${env.error.code ?? '?'}: ${env.error.message ?? ''}${env.error.requestId ? ` (request ${env.error.requestId})` : ''}`;
  return `${a.status} ${a.text.slice(0, 200)}`;
}

/** The error code of an answer, if it carries the envelope. */
export function errorCode(a: ApiAnswer<unknown>): string | undefined {
  return ((a.body ?? {}) as ErrorEnvelope).error?.code;
}

/**
 * Checks that `answer` has `status` (and, for errors, the envelope's `code`) and returns its body.
 * @throws DemoFailure naming `step`, the expectation and what came back.
 */
export function expectAnswer<T>(step: string, answer: ApiAnswer<T>, status: number, code?: string): T {
  if (answer.status !== status || (code !== undefined && errorCode(answer) !== code)) {
    throw new DemoFailure(step, `expected ${status}${code ? ` ${code}` : ''}, got ${describeAnswer(answer)}`);
  }
  return answer.body;
}

/**
 * Checks a condition about an answer's content.
 * @throws DemoFailure naming `step` and `detail` when `ok` is false.
 */
export function check(step: string, ok: boolean, detail: string): void {
  if (!ok) throw new DemoFailure(step, detail);
}
