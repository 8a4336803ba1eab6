/**
 * A reference for the gateway bench (not its limit): the bare Hono routes of `bare-hono.ts`, each
 * answering the same JSON bytes with the same response headers the gateway sent for that route
 * (BENCH_ME_HEADERS, BENCH_USER_HEADERS: JSON objects; the security headers, `X-Request-Id`,
 * `RateLimit-Remaining`, `Content-Type`), built the way the gateway builds its answers (one plain
 * header object, a fresh request id per answer). Measured next to the bare routes it shows what
 * those headers alone cost on this machine, and so how much of the gap is the gateway's own work.
 * Prints `url: …` when listening.
 */
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const me = process.env.BENCH_ME_BODY ?? '{}';
const user = process.env.BENCH_USER_BODY ?? '{}';
const meHeaders = JSON.parse(process.env.BENCH_ME_HEADERS ?? '{}') as Record<string, string>;
const userHeaders = JSON.parse(process.env.BENCH_USER_HEADERS ?? '{}') as Record<string, string>;
const answer = (body: string, headers: Record<string, string>) => new Response(body, { status: 200, headers: { ...headers, 'X-Request-Id': randomUUID() } });
const app = new Hono();
app.get('/api/v1/auth/me', () => answer(me, meHeaders));
app.get('/api/v1/users/:id', () => answer(user, userHeaders));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.stdout.write(`url: http://127.0.0.1:${info.port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
