/**
 * The limit: a bare Hono route on @hono/node-server returning a fixed JSON body (the same bytes
 * the gateway's `/api/v1/auth/me` answers). Prints `url: …` when listening.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const body = JSON.parse(process.env.BENCH_BODY ?? '{}') as unknown;
const app = new Hono();
app.get('/api/v1/auth/me', (c) => c.json(body));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.stdout.write(`url: http://127.0.0.1:${info.port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
