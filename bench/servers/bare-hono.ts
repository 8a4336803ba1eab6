/**
 * The limit: bare Hono routes on @hono/node-server, no middleware, answering fixed JSON bodies
 * (the same bytes the gateway answers): `GET /api/v1/auth/me` → BENCH_ME_BODY and
 * `GET /api/v1/users/:id` → BENCH_USER_BODY (whatever the id: no lookup, no authentication).
 * Prints `url: …` when listening.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const me = JSON.parse(process.env.BENCH_ME_BODY ?? '{}') as unknown;
const user = JSON.parse(process.env.BENCH_USER_BODY ?? '{}') as unknown;
const app = new Hono();
app.get('/api/v1/auth/me', (c) => c.json(me));
app.get('/api/v1/users/:id', (c) => c.json(user));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.stdout.write(`url: http://127.0.0.1:${info.port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
