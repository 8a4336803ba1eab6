/**
 * Health REST (Appwrite 1.9, `/v1/health`, scope `health.read`): the emulator's own checks in
 * Appwrite's models. `/health/db` checks the in-memory state (and answers `fail` when it cannot
 * be read), `/health/cache` and `/health/pubsub` report the in-process event bus, every queue
 * reports the deliveries waiting or running, `/health/version` needs neither project nor key.
 * @module
 */
import { Hono, type Context } from 'hono';
import { requireScope } from '../auth.js';
import type { EmulatorEnv } from '../context.js';
import { fail } from '../errors.js';
import { int, queryParams } from '../params.js';
import { APPWRITE_VERSION } from '../spec.js';

/** Appwrite's default queue threshold (`threshold` param default 5000). */
const DEFAULT_QUEUE_THRESHOLD = 5000;
const QUEUES = [
  'audits', 'builds', 'certificates', 'databases', 'deletes', 'functions', 'logs', 'mails', 'messaging',
  'migrations', 'stats-resources', 'stats-usage', 'webhooks',
];

/** Times `check` and returns a healthStatus model (`ping` in ms). */
function status(name: string, check: () => void): { name: string; ping: number; status: 'pass' | 'fail' } {
  const started = performance.now();
  let ok = true;
  try {
    check();
  } catch {
    ok = false;
  }
  return { name, ping: Math.round(performance.now() - started), status: ok ? 'pass' : 'fail' };
}

function queueSize(c: Context<EmulatorEnv>, name: string): { size: number } {
  const threshold = int(queryParams(c), 'threshold', { min: 0 }) ?? DEFAULT_QUEUE_THRESHOLD;
  const size = name === 'functions' ? c.get('emu').functions.pending : 0;
  if (size >= threshold) fail('health_queue_size_exceeded', `Queue size threshold hit. Current size is ${size} and threshold is ${threshold}.`);
  return { size };
}

/** Routes under `/v1/health`. */
export function healthRoutes(): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  const read = requireScope('health.read');

  app.get('/version', (c) => c.json({ version: APPWRITE_VERSION }));
  app.get('/', read, (c) => c.json(status('http', () => undefined)));
  app.get('/db', read, (c) => {
    const s = status('database', () => {
      const state = c.get('emu').state;
      if (!(state.users instanceof Map) || !(state.databases instanceof Map)) throw new Error('state unreadable');
    });
    return c.json({ total: 1, statuses: [s] });
  });
  app.get('/cache', read, (c) => c.json({ total: 1, statuses: [status('cache', () => void c.get('emu').events.delivery)] }));
  app.get('/pubsub', read, (c) => c.json({ total: 1, statuses: [status('pubsub', () => void c.get('emu').events.delivery)] }));
  app.get('/storage', read, (c) => c.json(status('storage', () => undefined)));
  app.get('/storage/local', read, (c) => c.json(status('storage.local', () => undefined)));
  app.get('/time', read, (c) => {
    const now = Math.floor(Date.now() / 1000);
    return c.json({ remoteTime: now, localTime: now, diff: 0 });
  });
  app.get('/anti-virus', read, (c) => c.json({ version: '', status: 'disabled' }));
  for (const q of QUEUES) app.get(`/queue/${q}`, read, (c) => c.json(queueSize(c, q)));
  app.get('/queue/failed/:name', read, (c) => c.json(queueSize(c, `failed-${c.req.param('name')}`)));
  return app;
}
